with customers as (
    select customer_id, snapshot_date, tenure_days, sales_value
    from "RETAIL"."INT_CUSTOMER_RFM_VALUES"
),

returns as (
    select r.customer_id, sum(r.returns_value) as returns_value
    from "RETAIL"."INT_CUSTOMER_DAILY_RETURNS" as r
    inner join customers as c on c.customer_id = r.customer_id
    where r.invoice_day < c.snapshot_date
    group by r.customer_id
),

margin as (
    select cast(gross_margin as numeric(9,6)) as gross_margin
    from "RETAIL"."BUSINESS_CONSTANTS"
),

net as (
    select
        c.customer_id,
        c.tenure_days,
        cast(coalesce(r.returns_value, 0) as numeric(18,3)) as returns_value,
        cast(c.sales_value + coalesce(r.returns_value, 0) as numeric(18,3)) as net_monetary,
        (c.sales_value + coalesce(r.returns_value, 0))
            <= cast(c.sales_value as numeric(38,3)) * (1 - cast(0.99 as numeric(9,6))) as is_fully_returned
    from customers as c
    left join returns as r on r.customer_id = c.customer_id
),

annualised as (
    select
        net.*,
        cast(
    sign(cast((cast(net.net_monetary as numeric(38,3)) * 365) * 10000 as number(38, 0))) * sign(cast(nullif(greatest(net.tenure_days, 90), 0) as number(38, 0)))
    * cast(((abs(cast((cast(net.net_monetary as numeric(38,3)) * 365) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(greatest(net.tenure_days, 90), 0) as number(38, 0)))) - mod(abs(cast((cast(net.net_monetary as numeric(38,3)) * 365) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(greatest(net.tenure_days, 90), 0) as number(38, 0))), 2 * abs(cast(nullif(greatest(net.tenure_days, 90), 0) as number(38, 0))))) / (2 * abs(cast(nullif(greatest(net.tenure_days, 90), 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as annualised_net_value
    from net
)

select
    a.customer_id,
    a.returns_value,
    a.net_monetary,
    a.is_fully_returned,
    a.annualised_net_value,
    cast(
        case
            when a.is_fully_returned then 0
            else round(cast(a.annualised_net_value as numeric(38,4)) * cast(3 as numeric(9,4)) * margin.gross_margin, 4)
        end
    as numeric(18,4)) as cltv_interpretable
from annualised as a
cross join margin
