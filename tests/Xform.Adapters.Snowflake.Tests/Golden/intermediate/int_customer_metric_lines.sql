with snapshot as (
    select snapshot_date from "RETAIL"."INT_SNAPSHOT_DATE"
),

sales as (
    select s.*
    from "RETAIL"."INT_SALES_LINES" as s
    cross join snapshot
    where s.invoice_day < snapshot.snapshot_date
)

select
    customer_id, invoice_no, invoice_date, invoice_day, stock_code, line_amount, country, transaction_category, ingested_at
from sales
