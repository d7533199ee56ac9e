{{ config(materialized='table') }}
{#- Quintile scores 1..5, 5 best, with the spec's exact tie-breaking (customer_id) so that ties fall the
    same way on every engine and every run. -#}
with scored as (
    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        ntile(5) over (order by recency_days desc, customer_id) as r_score,
        ntile(5) over (order by frequency, customer_id) as f_score,
        ntile(5) over (order by monetary, customer_id) as m_score
    from {{ ref('int_customer_rfm_values') }}
)

select
    customer_id,
    recency_days,
    frequency,
    monetary,
    cast(r_score as {{ type_int() }}) as r_score,
    cast(f_score as {{ type_int() }}) as f_score,
    cast(m_score as {{ type_int() }}) as m_score,
    {{ concat(['cast(r_score as ' ~ type_string() ~ ')', 'cast(f_score as ' ~ type_string() ~ ')', 'cast(m_score as ' ~ type_string() ~ ')']) }} as rfm_cell
from scored
