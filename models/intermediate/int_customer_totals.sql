{{ config(materialized='incremental', incremental_strategy='merge', unique_key='customer_id', on_schema_change='fail') }}
{#- One row per customer: the totals of its metric lines (first and last purchase, distinct invoices, value, lines,
    sale value) and the country of its latest sale line (ties: the highest invoice number, then the country name;
    a few customers appear under two countries), from the per-invoice sums of int_customer_invoices. Incremental:
    a run recomputes only the customers with an invoice row ingested since the last run, from all their invoice
    rows, and merges them in; snapshot-relative measures (recency, tenure) are derived from this small table in
    int_customer_rfm_values. -#}
with customer_invoices as (
    select *
    from {{ ref('int_customer_invoices') }}
    {%- if retail_reads_new_rows_only() %}
    where customer_id in (
        select customer_id
        from {{ ref('int_customer_invoices') }}
        where ingested_at > {{ retail_watermark() }}
    )
    {%- endif %}
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
        cast(sum(amount) as {{ type_numeric(18, 3) }}) as monetary,
        sum(line_count) as line_count,
        cast(sum(sales_amount) as {{ type_numeric(18, 3) }}) as sales_value,
        max(ingested_at) as ingested_at
    from customer_invoices
    group by customer_id
)

select
    totals.customer_id,
    latest_sale.country,
    totals.first_purchase_at,
    totals.last_purchase_at,
    cast(totals.frequency as {{ type_bigint() }}) as frequency,
    totals.monetary,
    cast(totals.line_count as {{ type_bigint() }}) as line_count,
    totals.sales_value,
    totals.ingested_at,
    cast('{{ retail_metric_settings() | replace("'", "''") }}' as {{ type_string() }}) as metric_settings
from totals
inner join latest_sale
    on latest_sale.customer_id = totals.customer_id
    and latest_sale.recency_rank = 1
