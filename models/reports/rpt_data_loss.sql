{{ config(materialized='table') }}
{#- Data-loss report: one row per transaction_category of the raw rows (rows, share of all raw rows,
    gross value = sum of line_amount), plus, on every row, the overall share of raw rows that do not
    reach the customer metrics (rows outside int_customer_metric_lines). -#}
with raw as (
    {#- per category and ingestion (int_category_totals): a few rows a day, not every staged line -#}
    select transaction_category, row_count, gross_value
    from {{ ref('int_category_totals') }}
),

totals as (
    {#- Counted on the raw source itself (per file or load, when it was read: stg_raw_loads), so a test can prove
        staging kept every raw row. -#}
    select coalesce(sum(raw_rows), 0) as raw_rows from {{ ref('stg_raw_loads') }}
),

used as (
    {#- the metric lines, already summed per invoice -#}
    select coalesce(sum(line_count), 0) as metric_rows from {{ ref('int_customer_invoices') }}
),

per_category as (
    select
        transaction_category,
        sum(row_count) as row_count,
        cast(sum(gross_value) as {{ type_numeric(18, 3) }}) as gross_value
    from raw
    group by transaction_category
)

select
    p.transaction_category,
    cast(p.row_count as {{ type_bigint() }}) as row_count,
    {{ divide_exact('p.row_count', 't.raw_rows', 6) }} as share_of_raw_rows,
    p.gross_value,
    p.transaction_category in ('sale'{% if var('returns_in_customer_metrics') %}, 'return'{% endif %}) as feeds_customer_metrics,
    cast(t.raw_rows as {{ type_bigint() }}) as raw_rows,
    cast(u.metric_rows as {{ type_bigint() }}) as rows_in_customer_metrics,
    {{ divide_exact('t.raw_rows - u.metric_rows', 't.raw_rows', 6) }} as data_loss_share
from per_category as p
cross join totals as t
cross join used as u
