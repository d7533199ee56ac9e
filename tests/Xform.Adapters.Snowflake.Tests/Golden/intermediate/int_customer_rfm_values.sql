with snapshot as (
    select snapshot_date from "RETAIL"."INT_SNAPSHOT_DATE"
)

select
    t.customer_id,
    snapshot.snapshot_date,
    t.first_purchase_at,
    t.last_purchase_at,
    cast(datediff(day, t.last_purchase_at, snapshot.snapshot_date) as integer) as recency_days,
    cast(datediff(day, t.first_purchase_at, snapshot.snapshot_date) as integer) as tenure_days,
    t.frequency,
    t.monetary,
    t.line_count,
    t.sales_value
from "RETAIL"."INT_CUSTOMER_TOTALS" as t
cross join snapshot
