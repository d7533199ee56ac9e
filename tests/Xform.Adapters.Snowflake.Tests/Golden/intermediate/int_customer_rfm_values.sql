with snapshot as (
    select snapshot_date from "RETAIL"."INT_SNAPSHOT_DATE"
),

lines as (
    select * from "RETAIL"."INT_CUSTOMER_METRIC_LINES"
)

select
    lines.customer_id,
    snapshot.snapshot_date,
    min(lines.invoice_date) as first_purchase_at,
    max(lines.invoice_date) as last_purchase_at,
    cast(datediff(day, max(lines.invoice_date), snapshot.snapshot_date) as integer) as recency_days,
    cast(datediff(day, min(lines.invoice_date), snapshot.snapshot_date) as integer) as tenure_days,
    count(distinct lines.invoice_no) as frequency,
    cast(sum(lines.line_amount) as numeric(38,3)) as monetary,
    count(*) as line_count,
    cast(sum(case when lines.transaction_category = 'sale' then lines.line_amount else 0 end) as numeric(38,3)) as sales_value
from lines
cross join snapshot
group by lines.customer_id, snapshot.snapshot_date
