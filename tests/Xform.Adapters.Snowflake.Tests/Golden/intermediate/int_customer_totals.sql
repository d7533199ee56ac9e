with customer_invoices as (
    select *
    from "RETAIL"."INT_CUSTOMER_INVOICES"
),

latest_sale as (
    select
        customer_id,
        country,
        row_number() over (
            partition by customer_id
            order by invoice_date desc, invoice_no desc, country
        ) as recency_rank
    from customer_invoices
    where sale_line_count > 0
),

totals as (
    select
        customer_id,
        min(invoice_date) as first_purchase_at,
        max(invoice_date) as last_purchase_at,
        count(distinct invoice_no) as frequency,
        cast(sum(amount) as numeric(18,3)) as monetary,
        sum(line_count) as line_count,
        cast(sum(sales_amount) as numeric(18,3)) as sales_value,
        max(ingested_at) as ingested_at
    from customer_invoices
    group by customer_id
)

select
    totals.customer_id,
    latest_sale.country,
    totals.first_purchase_at,
    totals.last_purchase_at,
    cast(totals.frequency as bigint) as frequency,
    totals.monetary,
    cast(totals.line_count as bigint) as line_count,
    totals.sales_value,
    totals.ingested_at,
    cast('snapshot_date=latest;returns_in_customer_metrics=false;incomplete_descriptions=?|??|???|missing|wrongly sold;unknown_countries=european community|unspecified' as TEXT) as metric_settings
from totals
inner join latest_sale
    on latest_sale.customer_id = totals.customer_id
    and latest_sale.recency_rank = 1
