{{ config(materialized='view') }}
{#- is_churned = recency_days > churn_window (var, days; default 90), through the macro churn_flag. -#}
select
    customer_id,
    recency_days,
    {{ var('churn_window') }} as churn_window_days,
    {{ churn_flag('recency_days', var('churn_window')) }} as is_churned
from {{ ref('int_customer_rfm_values') }}
