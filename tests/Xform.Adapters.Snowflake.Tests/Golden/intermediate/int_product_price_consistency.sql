with manual_codes as (
    select upper(trim(stock_code)) as stock_code
    from "RETAIL"."NON_PRODUCT_STOCK_CODES"
    where category = 'manual'
),

prices as (
    select stock_code, unit_price, line_count, first_seen_at, last_seen_at
    from "RETAIL"."INT_PRODUCT_PRICES"
),

per_code as (
    select
        stock_code,
        count(*) as distinct_prices,
        sum(line_count) as line_count,
        max(line_count) as modal_price_lines,
        min(unit_price) as min_price,
        max(unit_price) as max_price,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        sum(case when unit_price <= 0 then 1 else 0 end) as non_positive_prices
    from prices
    group by stock_code
),

two_price_overlap as (select
        a.stock_code,
        max(case when a.first_seen_at <= b.last_seen_at and b.first_seen_at <= a.last_seen_at then 1 else 0 end) as ranges_overlap
    from prices as a
    inner join prices as b
        on a.stock_code = b.stock_code
        and a.unit_price < b.unit_price
    group by a.stock_code
)

select
    p.stock_code,
    cast(p.distinct_prices as integer) as distinct_prices,
    cast(p.line_count as integer) as line_count,
    cast(p.modal_price_lines as integer) as modal_price_lines,
    p.min_price,
    p.max_price,
    p.first_seen_at,
    p.last_seen_at,
    case
        when p.non_positive_prices > 0 or m.stock_code is not null then 'zero_or_manual'
        when p.distinct_prices = 1 then 'normal'
        when p.distinct_prices = 2 and o.ranges_overlap = 0 then 'one_off_price_change'
        when p.distinct_prices = 2 and o.ranges_overlap = 1 then 'oscillating_or_promotional'
        when p.distinct_prices >= 3 and 2 * p.modal_price_lines >= p.line_count then 'oscillating_or_promotional'
        else 'complex'
    end as price_flag
from per_code as p
left join manual_codes as m on m.stock_code = p.stock_code
left join two_price_overlap as o on o.stock_code = p.stock_code
