{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
{#- Rows and gross value of each transaction_category, per ingestion of stg_transaction_logs. Incremental
    (append): a run adds the totals of the rows ingested since the last one, so the data-loss report sums a few
    rows per day instead of grouping every staged line again. -#}
select
    transaction_category,
    cast(count(*) as {{ type_bigint() }}) as row_count,
    cast(coalesce(sum(line_amount), 0) as {{ type_numeric(38, 3) }}) as gross_value,
    ingested_at
from {{ ref('stg_transaction_logs') }}
{%- if is_incremental() %}
where ingested_at > {{ retail_watermark() }}
{%- endif %}
group by transaction_category, ingested_at
