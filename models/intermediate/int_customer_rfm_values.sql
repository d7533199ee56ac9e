{{ config(materialized='table') }}
{#- Recency, frequency, monetary and tenure of each customer as of the snapshot date, from the customer totals (every
    run recomputes recency and tenure, which move with the snapshot date, on that small table). A table: most
    customer models and their tests read it.
    Day counts are cast to integer: datediff is bigint on DuckDB and integer on PostgreSQL, and the marts'
    contracts want one type. -#}
with snapshot as (
    select snapshot_date from {{ ref('int_snapshot_date') }}
)

select
    t.customer_id,
    snapshot.snapshot_date,
    t.first_purchase_at,
    t.last_purchase_at,
    cast({{ datediff('t.last_purchase_at', 'snapshot.snapshot_date', 'day') }} as {{ type_int() }}) as recency_days,
    cast({{ datediff('t.first_purchase_at', 'snapshot.snapshot_date', 'day') }} as {{ type_int() }}) as tenure_days,
    t.frequency,
    t.monetary,
    t.line_count,
    t.sales_value
from {{ ref('int_customer_totals') }} as t
cross join snapshot
