{#- Churned customers all have recency above the churn window, and no other customer does. -#}
select customer_id, recency_days, is_churned, churn_risk_group
from {{ ref('obt_customer_kpis_and_segmentation') }}
where (is_churned and not recency_days > {{ var('churn_window') }})
   or (not is_churned and recency_days > {{ var('churn_window') }})
   or (is_churned <> (churn_risk_group = 'Churned'))
