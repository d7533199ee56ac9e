{#- Recency, frequency, monetary and tenure of each customer as of the snapshot date. Day counts are cast to
    integer: datediff is bigint on DuckDB and integer on PostgreSQL, and the marts' contracts want one type. -#}
with snapshot as (
    select snapshot_date from {{ ref('int_snapshot_date') }}
),

lines as (
    select * from {{ ref('int_customer_metric_lines') }}
)

select
    lines.customer_id,
    snapshot.snapshot_date,
    min(lines.invoice_date) as first_purchase_at,
    max(lines.invoice_date) as last_purchase_at,
    cast({{ datediff('max(lines.invoice_date)', 'snapshot.snapshot_date', 'day') }} as {{ type_int() }}) as recency_days,
    cast({{ datediff('min(lines.invoice_date)', 'snapshot.snapshot_date', 'day') }} as {{ type_int() }}) as tenure_days,
    count(distinct lines.invoice_no) as frequency,
    cast(sum(lines.line_amount) as {{ type_numeric(38, 3) }}) as monetary,
    count(*) as line_count,
    cast(sum(case when lines.transaction_category = 'sale' then lines.line_amount else 0 end) as {{ type_numeric(38, 3) }}) as sales_value
from lines
cross join snapshot
group by lines.customer_id, snapshot.snapshot_date
