
with new_lines as (
    select
        customer_id,
        invoice_no,
        invoice_date,
        country,
        count(*) as line_count,
        sum(case when transaction_category = 'sale' then 1 else 0 end) as sale_line_count,
        sum(line_amount) as amount,
        sum(case when transaction_category = 'sale' then line_amount else 0 end) as sales_amount,
        max(ingested_at) as ingested_at
    from "RETAIL"."INT_CUSTOMER_METRIC_LINES"
    group by customer_id, invoice_no, invoice_date, country
)

select
    n.customer_id,
    n.invoice_no,
    n.invoice_date,
    n.country,
    cast(n.line_count as bigint) as line_count,
    cast(n.sale_line_count as bigint) as sale_line_count,
    cast(n.amount as numeric(18,3)) as amount,
    cast(n.sales_amount as numeric(18,3)) as sales_amount,
    n.ingested_at
from new_lines as n
