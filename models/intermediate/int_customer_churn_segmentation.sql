{{ config(materialized='view') }}
{#- Churn-risk group: Churned when churned; else recency <= low_risk Low, <= medium_risk Medium,
    otherwise High (thresholds from the seed churn_risk_mapping). Never NULL whatever churn_window is:
    a churn window below a threshold just leaves that group empty. -#}
select
    f.customer_id,
    f.recency_days,
    f.is_churned,
    case
        when f.is_churned then 'Churned'
        when f.recency_days <= m.low_risk then 'Low'
        when f.recency_days <= m.medium_risk then 'Medium'
        else 'High'
    end as churn_risk_group
from {{ ref('int_customer_churn_flag') }} as f
cross join {{ ref('churn_risk_mapping') }} as m
