with margin as (
    select cast(gross_margin as numeric(9,6)) as gross_margin
    from "RETAIL"."BUSINESS_CONSTANTS"
),

revenue as (
    select
        customer_id,
        cast(
    sign(cast((cast(monetary as numeric(38,3)) * frequency * tenure_days) * 10000 as number(38, 0))) * sign(cast(nullif(line_count, 0) as number(38, 0)))
    * cast(((abs(cast((cast(monetary as numeric(38,3)) * frequency * tenure_days) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(line_count, 0) as number(38, 0)))) - mod(abs(cast((cast(monetary as numeric(38,3)) * frequency * tenure_days) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(line_count, 0) as number(38, 0))), 2 * abs(cast(nullif(line_count, 0) as number(38, 0))))) / (2 * abs(cast(nullif(line_count, 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as customer_cltv_revenue
    from "RETAIL"."INT_CUSTOMER_RFM_VALUES"
)

select
    revenue.customer_id,
    revenue.customer_cltv_revenue,
    cast(round(cast(revenue.customer_cltv_revenue as numeric(38,4)) * margin.gross_margin, 4) as numeric(18,4)) as customer_cltv_profit
from revenue
cross join margin
