{{ config(materialized='incremental', incremental_strategy='merge', unique_key='churn_group_key', on_schema_change='append_new_columns') }}
{#- Churn-risk group dimension, SCD type 1: Low / Medium / High / Churned with the recency ranges (days)
    each covers, from the seed churn_risk_mapping and the var churn_window. A range can be empty when
    churn_window is below a threshold (min > max). -#}
with groups as (
    select 'Low' as churn_risk_group, 1 as risk_order
    union all select 'Medium', 2
    union all select 'High', 3
    union all select 'Churned', 4
)

select
    {{ hash('g.churn_risk_group') }} as churn_group_key,
    g.churn_risk_group,
    cast(g.risk_order as {{ type_int() }}) as risk_order,
    cast(case g.risk_order
        when 1 then 0
        when 2 then m.low_risk + 1
        when 3 then m.medium_risk + 1
        else {{ var('churn_window') }} + 1
    end as {{ type_int() }}) as min_recency_days,
    cast(case g.risk_order
        when 1 then least(m.low_risk, {{ var('churn_window') }})
        when 2 then least(m.medium_risk, {{ var('churn_window') }})
        when 3 then {{ var('churn_window') }}
    end as {{ type_int() }}) as max_recency_days,
    g.churn_risk_group = 'Churned' as is_churned
from groups as g
cross join {{ ref('churn_risk_mapping') }} as m
