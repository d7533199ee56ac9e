{{ config(materialized='incremental', incremental_strategy='merge', unique_key='customer_id', on_schema_change='append_new_columns') }}
{#- One row per customer: every customer metric and segment as of the latest snapshot date. Every
    metric moves with the snapshot (recency grows every day), so each run merges all customers:
    existing rows are updated, new customers inserted. -#}
select
    v.customer_id,
    c.country,
    v.snapshot_date,
    v.first_purchase_at,
    v.last_purchase_at,
    v.recency_days,
    v.frequency,
    v.monetary,
    v.line_count,
    v.tenure_days,
    a.customer_aov,
    a.avg_line_value,
    l.customer_cltv_revenue,
    l.customer_cltv_profit,
    s.r_score,
    s.f_score,
    s.m_score,
    s.rfm_cell,
    s.rfm_segment,
    cs.cltv_segment,
    ch.is_churned,
    ch.churn_risk_group,
    n.returns_value,
    n.net_monetary,
    n.is_fully_returned,
    n.cltv_interpretable
from {{ ref('int_customer_rfm_values') }} as v
inner join {{ ref('int_customers') }} as c on c.customer_id = v.customer_id
inner join {{ ref('int_customer_aov') }} as a on a.customer_id = v.customer_id
inner join {{ ref('int_customer_cltv') }} as l on l.customer_id = v.customer_id
inner join {{ ref('int_customer_rfm_segmentation') }} as s on s.customer_id = v.customer_id
inner join {{ ref('int_customer_cltv_segmentation') }} as cs on cs.customer_id = v.customer_id
inner join {{ ref('int_customer_churn_segmentation') }} as ch on ch.customer_id = v.customer_id
inner join {{ ref('int_customer_net_value') }} as n on n.customer_id = v.customer_id
