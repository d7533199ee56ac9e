{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['customer_id', 'invoice_no', 'invoice_date', 'country'], on_schema_change='fail') }}
{#- The metric lines summed per customer, invoice, invoice time and country (about one row per invoice, 18x fewer
    than lines): what the customer totals are computed from. The sums add up, so an incremental run reads only the
    lines ingested since the last one and adds them to the rows it has (a late line of a known invoice lands on
    that invoice's row). When the var returns_in_customer_metrics is on, every run recomputes every row instead
    (retail_reads_new_rows_only). -#}
{%- set adds = retail_reads_new_rows_only() %}
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
    from {{ ref('int_customer_metric_lines') }}
    {%- if adds %}
    where ingested_at > {{ retail_watermark() }}
    {%- endif %}
    group by customer_id, invoice_no, invoice_date, country
)

select
    n.customer_id,
    n.invoice_no,
    n.invoice_date,
    n.country,
    {%- if adds %}
    cast(n.line_count + coalesce(seen.line_count, 0) as {{ type_bigint() }}) as line_count,
    cast(n.sale_line_count + coalesce(seen.sale_line_count, 0) as {{ type_bigint() }}) as sale_line_count,
    cast(n.amount + coalesce(seen.amount, 0) as {{ type_numeric(18, 3) }}) as amount,
    cast(n.sales_amount + coalesce(seen.sales_amount, 0) as {{ type_numeric(18, 3) }}) as sales_amount,
    {%- else %}
    cast(n.line_count as {{ type_bigint() }}) as line_count,
    cast(n.sale_line_count as {{ type_bigint() }}) as sale_line_count,
    cast(n.amount as {{ type_numeric(18, 3) }}) as amount,
    cast(n.sales_amount as {{ type_numeric(18, 3) }}) as sales_amount,
    {%- endif %}
    n.ingested_at
from new_lines as n
{%- if adds %}
left join {{ this }} as seen
    on seen.customer_id = n.customer_id
    and seen.invoice_no = n.invoice_no
    and seen.invoice_date = n.invoice_date
    and seen.country = n.country
{%- endif %}
