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
from "RETAIL"."INT_CUSTOMER_CHURN_FLAG" as f
cross join "RETAIL"."CHURN_RISK_MAPPING" as m
