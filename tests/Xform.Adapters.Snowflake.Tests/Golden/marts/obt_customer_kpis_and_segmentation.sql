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
from "RETAIL"."INT_CUSTOMER_RFM_VALUES" as v
inner join "RETAIL"."INT_CUSTOMERS" as c on c.customer_id = v.customer_id
inner join "RETAIL"."INT_CUSTOMER_AOV" as a on a.customer_id = v.customer_id
inner join "RETAIL"."INT_CUSTOMER_CLTV" as l on l.customer_id = v.customer_id
inner join "RETAIL"."INT_CUSTOMER_RFM_SEGMENTATION" as s on s.customer_id = v.customer_id
inner join "RETAIL"."INT_CUSTOMER_CLTV_SEGMENTATION" as cs on cs.customer_id = v.customer_id
inner join "RETAIL"."INT_CUSTOMER_CHURN_SEGMENTATION" as ch on ch.customer_id = v.customer_id
inner join "RETAIL"."INT_CUSTOMER_NET_VALUE" as n on n.customer_id = v.customer_id
