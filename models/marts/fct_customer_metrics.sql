{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['customer_id', 'snapshot_date'], on_schema_change='append_new_columns',
    incremental_predicates=['DBT_INTERNAL_DEST.snapshot_date = (select snapshot_date from ' ~ ref('int_snapshot_date') ~ ')']) }}
{#- Customer x snapshot date: the measures of each customer at each snapshot, with keys to the four
    dimensions. A run with a new snapshot_date adds rows; rerunning one updates its rows. The merge compares the
    new rows with the stored rows of their snapshot only (incremental_predicates), not with the whole history. -#}
select
    o.customer_id,
    o.snapshot_date,
    {{ hash('o.rfm_segment') }} as rfm_group_key,
    {{ hash('o.cltv_segment') }} as cltv_group_key,
    {{ hash('o.churn_risk_group') }} as churn_group_key,
    o.recency_days,
    o.frequency,
    o.monetary,
    o.tenure_days,
    o.customer_aov,
    o.avg_line_value,
    o.customer_cltv_revenue,
    o.customer_cltv_profit,
    o.r_score,
    o.f_score,
    o.m_score,
    o.rfm_cell,
    o.is_churned
from {{ ref('obt_customer_kpis_and_segmentation') }} as o
