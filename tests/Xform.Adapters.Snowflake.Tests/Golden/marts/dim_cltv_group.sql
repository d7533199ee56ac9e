with thresholds as (
    select max(cltv_p33) as cltv_p33, max(cltv_p66) as cltv_p66
    from "RETAIL"."INT_CUSTOMER_CLTV_SEGMENTATION"
),

tiers as (
    select 'Low' as cltv_segment, 1 as tier_order
    union all select 'Medium', 2
    union all select 'High', 3
)

select
    md5(cast(tiers.cltv_segment as TEXT)) as cltv_group_key,
    tiers.cltv_segment,
    cast(tiers.tier_order as integer) as tier_order,
    case when tiers.tier_order = 1 then null when tiers.tier_order = 2 then t.cltv_p33 else t.cltv_p66 end as min_cltv_profit,
    case when tiers.tier_order = 1 then t.cltv_p33 when tiers.tier_order = 2 then t.cltv_p66 else null end as max_cltv_profit_exclusive
from tiers
cross join thresholds as t
