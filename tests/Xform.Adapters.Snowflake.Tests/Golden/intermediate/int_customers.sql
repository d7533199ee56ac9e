with ranked as (
    select
        customer_id,
        country,
        row_number() over (
            partition by customer_id
            order by invoice_date desc, invoice_no desc, country
        ) as recency_rank
    from "RETAIL"."INT_CUSTOMER_METRIC_LINES"
    where transaction_category = 'sale'
)

select customer_id, country
from ranked
where recency_rank = 1
