{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
{#- Rows and gross value of each transaction_category and invoice day, per ingestion of stg_transaction_logs.
    Incremental (append): a run adds the totals of the rows ingested since the last one, so the data-loss report
    and the overall KPIs (returns before the snapshot date) sum a few rows per day instead of every staged line. -#}
select
    transaction_category,
    invoice_day,
    cast(count(*) as {{ type_bigint() }}) as row_count,
    cast(coalesce(sum(line_amount), 0) as {{ type_numeric(18, 3) }}) as gross_value,
    ingested_at
from {{ ref('stg_transaction_logs') }}
{%- if is_incremental() %}
where ingested_at > {{ retail_watermark() }}
{%- endif %}
group by transaction_category, invoice_day, ingested_at
