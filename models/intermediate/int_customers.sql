{#- One row per customer (a customer id with at least one sale line before the snapshot date). The
    country is the one on the customer's latest sale line (ties: the highest invoice number, then the
    country name), since a few customers appear under two countries. -#}
with ranked as (
    select
        customer_id,
        country,
        row_number() over (
            partition by customer_id
            order by invoice_date desc, invoice_no desc, country
        ) as recency_rank
    from {{ ref('int_customer_metric_lines') }}
    where transaction_category = 'sale'
)

select customer_id, country
from ranked
where recency_rank = 1
