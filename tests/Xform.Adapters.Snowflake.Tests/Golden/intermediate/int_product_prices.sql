with new_lines as (
    select
        upper(stock_code) as stock_code,
        unit_price,
        count(*) as line_count,
        min(invoice_date) as first_seen_at,
        max(invoice_date) as last_seen_at,
        max(ingested_at) as ingested_at
    from "RETAIL"."STG_TRANSACTION_LOGS"
    where transaction_category in ('sale', 'zero_value', 'incomplete', 'manual_adjustment')
    group by upper(stock_code), unit_price
)

select
    n.stock_code,
    n.unit_price,
    cast(n.line_count as bigint) as line_count,
    n.first_seen_at,
    n.last_seen_at,
    n.ingested_at
from new_lines as n
