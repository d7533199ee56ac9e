{#- The lines that feed the customer metrics, as of the snapshot date (lines dated on or after it are
    left out, so a snapshot in the past sees only its past). Customers are the customer ids with at
    least one sale line; with the var returns_in_customer_metrics true, their return lines (credit
    notes, negative quantities) count too. -#}
with snapshot as (
    select snapshot_date from {{ ref('int_snapshot_date') }}
),

sales as (
    select s.*
    from {{ ref('int_sales_lines') }} as s
    cross join snapshot
    where s.invoice_day < snapshot.snapshot_date
)

select
    customer_id, invoice_no, invoice_date, invoice_day, stock_code, line_amount, country, transaction_category, ingested_at
from sales
{%- if var('returns_in_customer_metrics') %}

union all

select
    r.customer_id, r.invoice_no, r.invoice_date, r.invoice_day, r.stock_code, r.line_amount, r.country, r.transaction_category, r.ingested_at
from {{ ref('stg_transaction_logs') }} as r
cross join snapshot
where r.transaction_category = 'return'
    and r.invoice_day < snapshot.snapshot_date
    and r.customer_id in (select customer_id from sales)
{%- endif %}
