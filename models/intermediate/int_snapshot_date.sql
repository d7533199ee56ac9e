{{ config(materialized='table') }}
{#- One row: the date the customer metrics are computed as of. The var snapshot_date when given,
    else the day after the latest sale in the data. -#}
{%- set fixed = var('snapshot_date', none) %}
{%- if fixed is none %}
{#- the latest sale day from the per-day totals of int_category_totals, not from every sale line -#}
select cast({{ dateadd('day', 1, 'max(invoice_day)') }} as {{ type_date() }}) as snapshot_date
from {{ ref('int_category_totals') }}
where transaction_category = 'sale'
{%- else %}
select cast('{{ fixed }}' as {{ type_date() }}) as snapshot_date
{%- endif %}
