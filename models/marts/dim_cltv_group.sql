{{ config(materialized='incremental', incremental_strategy='merge', unique_key='cltv_group_key', on_schema_change='append_new_columns') }}
{#- CLTV tier dimension, SCD type 1: Low / Medium / High with the current thresholds (p33, p66 of
    customer_cltv_profit; they move with the data, so the merge overwrites them). -#}
with thresholds as (
    select max(cltv_p33) as cltv_p33, max(cltv_p66) as cltv_p66
    from {{ ref('int_customer_cltv_segmentation') }}
),

tiers as (
    select 'Low' as cltv_segment, 1 as tier_order
    union all select 'Medium', 2
    union all select 'High', 3
)

select
    {{ hash('tiers.cltv_segment') }} as cltv_group_key,
    tiers.cltv_segment,
    cast(tiers.tier_order as {{ type_int() }}) as tier_order,
    case when tiers.tier_order = 1 then null when tiers.tier_order = 2 then t.cltv_p33 else t.cltv_p66 end as min_cltv_profit,
    case when tiers.tier_order = 1 then t.cltv_p33 when tiers.tier_order = 2 then t.cltv_p66 else null end as max_cltv_profit_exclusive
from tiers
cross join thresholds as t
