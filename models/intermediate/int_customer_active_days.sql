{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['customer_id', 'activity_date'], on_schema_change='fail') }}
{#- One row per customer and day with a metric line: the activity int_daily_engagement counts (about one row per
    invoice, 18x fewer than lines). has_sale: a sale line that day (the engagement calendar runs from the first
    to the last sale day). Incremental: a run merges the customer-days of the lines ingested since its last run. -#}
select
    customer_id,
    invoice_day as activity_date,
    max(case when transaction_category = 'sale' then 1 else 0 end) = 1 as has_sale,
    max(ingested_at) as ingested_at
from {{ ref('int_customer_metric_lines') }}
{%- if retail_reads_new_rows_only() %}
where ingested_at > {{ retail_watermark() }}
{%- endif %}
group by customer_id, invoice_day
