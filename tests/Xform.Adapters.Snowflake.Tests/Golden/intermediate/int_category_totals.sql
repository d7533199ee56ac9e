select
    transaction_category,
    invoice_day,
    cast(count(*) as bigint) as row_count,
    cast(coalesce(sum(line_amount), 0) as numeric(18,3)) as gross_value,
    ingested_at
from "RETAIL"."STG_TRANSACTION_LOGS"
group by transaction_category, invoice_day, ingested_at
