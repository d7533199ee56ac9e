{{ config(materialized='table') }}
{#- CLTV tiers by the 33rd and 66th percentiles (percentile_cont, linear interpolation) of
    customer_cltv_profit over all customers: below p33 Low, below p66 Medium, else High. The thresholds
    are rounded to 4 decimals (the scale of the profit) so that every engine compares the same exact
    numbers. -#}
with thresholds as (
    select
        cast(round(cast({{ percentile_cont('customer_cltv_profit', 0.33) }} as {{ type_numeric(18, 6) }}), 4) as {{ type_numeric(18, 4) }}) as cltv_p33,
        cast(round(cast({{ percentile_cont('customer_cltv_profit', 0.66) }} as {{ type_numeric(18, 6) }}), 4) as {{ type_numeric(18, 4) }}) as cltv_p66
    from {{ ref('int_customer_cltv') }}
)

select
    c.customer_id,
    c.customer_cltv_profit,
    t.cltv_p33,
    t.cltv_p66,
    case
        when c.customer_cltv_profit < t.cltv_p33 then 'Low'
        when c.customer_cltv_profit < t.cltv_p66 then 'Medium'
        else 'High'
    end as cltv_segment
from {{ ref('int_customer_cltv') }} as c
cross join thresholds as t
