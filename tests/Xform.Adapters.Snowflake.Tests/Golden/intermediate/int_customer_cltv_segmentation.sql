with thresholds as (
    select
        cast(round(cast(percentile_cont(0.33) within group (order by customer_cltv_profit) as numeric(18,6)), 4) as numeric(18,4)) as cltv_p33,
        cast(round(cast(percentile_cont(0.66) within group (order by customer_cltv_profit) as numeric(18,6)), 4) as numeric(18,4)) as cltv_p66
    from "RETAIL"."INT_CUSTOMER_CLTV"
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
from "RETAIL"."INT_CUSTOMER_CLTV" as c
cross join thresholds as t
