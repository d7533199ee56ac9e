with groups as (
    select 'Low' as churn_risk_group, 1 as risk_order
    union all select 'Medium', 2
    union all select 'High', 3
    union all select 'Churned', 4
)

select
    md5(cast(g.churn_risk_group as TEXT)) as churn_group_key,
    g.churn_risk_group,
    cast(g.risk_order as integer) as risk_order,
    cast(case g.risk_order
        when 1 then 0
        when 2 then m.low_risk + 1
        when 3 then m.medium_risk + 1
        else 90 + 1
    end as integer) as min_recency_days,
    cast(case g.risk_order
        when 1 then least(m.low_risk, 90)
        when 2 then least(m.medium_risk, 90)
        when 3 then 90
    end as integer) as max_recency_days,
    g.churn_risk_group = 'Churned' as is_churned
from groups as g
cross join "RETAIL"."CHURN_RISK_MAPPING" as m
