{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['customer_id', 'invoice_day'], on_schema_change='fail') }}
{#- The return lines of each customer summed per day: what int_customer_net_value nets the sales against, up to the
    snapshot date, without reading every staged line again. The sums add up, so an incremental run reads only the
    lines ingested since its last run and adds them to the stored row (a late return of an earlier day lands on that
    day's row). Return lines without a customer id belong to no customer and are left out. -#}
{%- set adds = is_incremental() %}
with new_returns as (
    select
        customer_id,
        invoice_day,
        count(*) as line_count,
        sum(line_amount) as returns_value,
        max(ingested_at) as ingested_at
    from {{ ref('stg_transaction_logs') }}
    where transaction_category = 'return'
        and customer_id is not null
        {%- if adds %}
        and ingested_at > {{ retail_watermark() }}
        {%- endif %}
    group by customer_id, invoice_day
)

select
    n.customer_id,
    n.invoice_day,
    {%- if adds %}
    cast(n.line_count + coalesce(seen.line_count, 0) as {{ type_bigint() }}) as line_count,
    cast(n.returns_value + coalesce(seen.returns_value, 0) as {{ type_numeric(18, 3) }}) as returns_value,
    {%- else %}
    cast(n.line_count as {{ type_bigint() }}) as line_count,
    cast(n.returns_value as {{ type_numeric(18, 3) }}) as returns_value,
    {%- endif %}
    n.ingested_at
from new_returns as n
{%- if adds %}
left join {{ this }} as seen
    on seen.customer_id = n.customer_id
    and seen.invoice_day = n.invoice_day
{%- endif %}
