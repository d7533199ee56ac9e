{{ config(materialized='incremental', incremental_strategy='merge', unique_key='customer_id', on_schema_change='fail') }}
{#- One row per customer: the totals of its metric lines (first and last purchase, distinct invoices, value, lines,
    sale value) and the country of its latest sale line (ties: the highest invoice number, then the country name;
    a few customers appear under two countries). Incremental: a run recomputes, from all their lines, only the
    customers with a line ingested since the last run, and merges them in; snapshot-relative measures (recency,
    tenure) are derived from this small table in int_customer_rfm_values. -#}
with lines as (
    select * from {{ ref('int_customer_metric_lines') }}
),

{%- if retail_reads_new_rows_only() %}

touched as (
    select distinct customer_id
    from lines
    where ingested_at > (select max(ingested_at) from {{ this }})
),

customer_lines as (
    select lines.*
    from lines
    where lines.customer_id in (select customer_id from touched)
),
{%- else %}

customer_lines as (
    select * from lines
),
{%- endif %}

latest_sale as (
    select
        customer_id,
        country,
        row_number() over (
            partition by customer_id
            order by invoice_date desc, invoice_no desc, country
        ) as recency_rank
    from customer_lines
    where transaction_category = 'sale'
),

totals as (
    select
        customer_id,
        min(invoice_date) as first_purchase_at,
        max(invoice_date) as last_purchase_at,
        count(distinct invoice_no) as frequency,
        cast(sum(line_amount) as {{ type_numeric(38, 3) }}) as monetary,
        count(*) as line_count,
        cast(sum(case when transaction_category = 'sale' then line_amount else 0 end) as {{ type_numeric(38, 3) }}) as sales_value,
        max(ingested_at) as ingested_at
    from customer_lines
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
