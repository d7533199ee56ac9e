{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['stock_code', 'unit_price'], on_schema_change='fail') }}
{#- One row per stock code (upper-cased) and unit price of the priced product lines (categories sale, zero_value,
    incomplete, manual_adjustment): how many lines had that price and when it was first and last seen. The totals
    add up, so a run reads only the lines ingested since the last one and adds them to the rows it has (merge):
    a new day costs the day's lines, not the history. -#}
with new_lines as (
    select
        upper(stock_code) as stock_code,
        unit_price,
        count(*) as line_count,
        min(invoice_date) as first_seen_at,
        max(invoice_date) as last_seen_at,
        max(ingested_at) as ingested_at
    from {{ ref('stg_transaction_logs') }}
    where transaction_category in ('sale', 'zero_value', 'incomplete', 'manual_adjustment')
    {%- if is_incremental() %}
        and ingested_at > {{ retail_watermark() }}
    {%- endif %}
    group by upper(stock_code), unit_price
)

select
    n.stock_code,
    n.unit_price,
    {%- if is_incremental() %}
    cast(n.line_count + coalesce(seen.line_count, 0) as {{ type_bigint() }}) as line_count,
    case when seen.first_seen_at < n.first_seen_at then seen.first_seen_at else n.first_seen_at end as first_seen_at,
    case when seen.last_seen_at > n.last_seen_at then seen.last_seen_at else n.last_seen_at end as last_seen_at,
    {%- else %}
    cast(n.line_count as {{ type_bigint() }}) as line_count,
    n.first_seen_at,
    n.last_seen_at,
    {%- endif %}
    n.ingested_at
from new_lines as n
{%- if is_incremental() %}
left join {{ this }} as seen
    on seen.stock_code = n.stock_code
    and seen.unit_price = n.unit_price
{%- endif %}
