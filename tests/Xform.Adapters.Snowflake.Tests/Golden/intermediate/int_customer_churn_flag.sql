select
    customer_id,
    recency_days,
    90 as churn_window_days,
    (recency_days > 90) as is_churned
from "RETAIL"."INT_CUSTOMER_RFM_VALUES"
