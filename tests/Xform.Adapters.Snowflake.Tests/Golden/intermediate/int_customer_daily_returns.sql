
with new_returns as (
    select
        customer_id,
        invoice_day,
        count(*) as line_count,
        sum(line_amount) as returns_value,
        max(ingested_at) as ingested_at
    from "RETAIL"."STG_TRANSACTION_LOGS"
    where transaction_category = 'return'
        and customer_id is not null
    group by customer_id, invoice_day
)

select
    n.customer_id,
    n.invoice_day,
    cast(n.line_count as bigint) as line_count,
    cast(n.returns_value as numeric(18,3)) as returns_value,
    n.ingested_at
from new_returns as n
