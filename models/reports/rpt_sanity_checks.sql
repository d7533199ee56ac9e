{{ config(materialized='table') }}
{#- Cross-model sanity checks, one row per check, each with the number of offending rows (0 = pass).
    The singular tests in tests/sql read this table: a test that read several models at once would
    gate the children of its upstream models on a downstream one. -#}
with snapshot as (
    select snapshot_date from {{ ref('int_snapshot_date') }}
),

sale_revenue as (
    {#- Recomputed with the spec's rules from staging's per-day category totals (int_category_totals), not from the
        customer pipeline (int_customer_metric_lines and what sums it). With returns in the metrics, the return lines
        of customers with a sale count too, which needs the staged lines themselves. -#}
    {%- if var('returns_in_customer_metrics') %}
    select coalesce(sum(s.line_amount), 0) as revenue
    from {{ ref('stg_transaction_logs') }} as s
    cross join snapshot
    where s.invoice_day < snapshot.snapshot_date
      and (
        s.transaction_category = 'sale'
        or (s.transaction_category = 'return' and s.customer_id in (
            select x.customer_id from {{ ref('stg_transaction_logs') }} as x
            where x.transaction_category = 'sale' and x.invoice_day < snapshot.snapshot_date))
      )
    {%- else %}
    select coalesce(sum(t.gross_value), 0) as revenue
    from {{ ref('int_category_totals') }} as t
    cross join snapshot
    where t.invoice_day < snapshot.snapshot_date
      and t.transaction_category = 'sale'
    {%- endif %}
),

customer_total as (
    select coalesce(sum(monetary), 0) as monetary
    from {{ ref('obt_customer_kpis_and_segmentation') }}
),

segment_mismatches as (
    select count(*) as n
    from {{ ref('obt_customer_kpis_and_segmentation') }} as o
    left join {{ ref('rfm_segment_mapping') }} as m
        on o.r_score between m.min_r and m.max_r
        and o.f_score between m.min_f and m.max_f
        and o.m_score between m.min_m and m.max_m
    where m.rfm_segment is null
       or m.rfm_segment <> o.rfm_segment
       or o.rfm_cell <> {{ concat(['cast(o.r_score as ' ~ type_string() ~ ')', 'cast(o.f_score as ' ~ type_string() ~ ')', 'cast(o.m_score as ' ~ type_string() ~ ')']) }}
),

engagement_bounds as (
    select count(*) as n
    from {{ ref('int_daily_engagement') }} as e
    where e.mau < e.dau
       or e.mau > (select count(*) from {{ ref('int_customers') }})
),

fact_vs_obt as (
    select abs((select count(*) from {{ ref('fct_customer_metrics') }} as f cross join snapshot where f.snapshot_date = snapshot.snapshot_date)
             - (select count(*) from {{ ref('obt_customer_kpis_and_segmentation') }})) as n
)

select 'customer_monetary_equals_sale_revenue' as check_name,
    cast(case when sale_revenue.revenue = customer_total.monetary then 0 else 1 end as {{ type_bigint() }}) as failing_rows,
    {{ concat(["'sale revenue '", 'cast(sale_revenue.revenue as ' ~ type_string() ~ ')', "', customer monetary '", 'cast(customer_total.monetary as ' ~ type_string() ~ ')']) }} as detail
from sale_revenue cross join customer_total
union all
select 'rfm_segment_matches_scores', cast(n as {{ type_bigint() }}), 'customers whose segment or rfm_cell disagrees with their scores and the seed grid' from segment_mismatches
union all
select 'mau_between_dau_and_all_customers', cast(n as {{ type_bigint() }}), 'days with mau < dau or mau above the number of customers' from engagement_bounds
union all
select 'fact_has_every_customer_of_the_snapshot', cast(n as {{ type_bigint() }}), 'difference between fact rows of the snapshot and customers' from fact_vs_obt
