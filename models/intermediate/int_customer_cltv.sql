{{ config(materialized='table') }}
{#- The business's CLTV heuristic, on the per-line average it was defined on:
    customer_cltv_revenue = avg_line_value * frequency * tenure_days, computed exactly as
    monetary * frequency * tenure_days / line_count (no intermediate rounding), then
    customer_cltv_profit = customer_cltv_revenue * gross_margin (seed business_constants).
    A heuristic score, not a forecast. Stored as decimal(18, 4) like all money here; the products are taken in
    decimal(38) first (DuckDB multiplies two 64-bit decimals in 64 bits and stops on overflow). -#}
with margin as (
    select cast(gross_margin as {{ type_numeric(9, 6) }}) as gross_margin
    from {{ ref('business_constants') }}
),

revenue as (
    select
        customer_id,
        {{ divide_exact('cast(monetary as ' ~ type_numeric(38, 3) ~ ') * frequency * tenure_days', 'line_count', 4) }} as customer_cltv_revenue
    from {{ ref('int_customer_rfm_values') }}
)

select
    revenue.customer_id,
    revenue.customer_cltv_revenue,
    cast(round(cast(revenue.customer_cltv_revenue as {{ type_numeric(38, 4) }}) * margin.gross_margin, 4) as {{ type_numeric(18, 4) }}) as customer_cltv_profit
from revenue
cross join margin
