select
    customer_id,
    invoice_day as activity_date,
    max(case when transaction_category = 'sale' then 1 else 0 end) = 1 as has_sale,
    max(ingested_at) as ingested_at
from "RETAIL"."INT_CUSTOMER_METRIC_LINES"
group by customer_id, invoice_day
