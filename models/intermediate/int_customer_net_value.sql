{{ config(materialized='table') }}
{#- Each customer's value net of returns, and a second, interpretable CLTV beside the business's heuristic
    (int_customer_cltv). Self-contained on purpose: it reads the customer rows of int_customer_rfm_values
    and the customer's returns per day (int_customer_daily_returns), and nothing else feeds on it but the customer OBT.
      returns_value      = sum of the customer's return lines dated before the snapshot date (<= 0)
      net_monetary       = sales_value + returns_value
      is_fully_returned  = the returns cover at least the var fully_returned_share of the sales value
      annualised_net_value = net_monetary * 365 / greatest(tenure_days, var cltv_tenure_floor_days)
      cltv_interpretable = annualised_net_value * var cltv_expected_lifetime_years * gross_margin,
                           0 for a fully returned customer -#}
with customers as (
    select customer_id, snapshot_date, tenure_days, sales_value
    from {{ ref('int_customer_rfm_values') }}
),

returns as (
    select r.customer_id, sum(r.returns_value) as returns_value
    from {{ ref('int_customer_daily_returns') }} as r
    inner join customers as c on c.customer_id = r.customer_id
    where r.invoice_day < c.snapshot_date
    group by r.customer_id
),

margin as (
    select cast(gross_margin as {{ type_numeric(9, 6) }}) as gross_margin
    from {{ ref('business_constants') }}
),

net as (
    select
        c.customer_id,
        c.tenure_days,
        cast(coalesce(r.returns_value, 0) as {{ type_numeric(18, 3) }}) as returns_value,
        cast(c.sales_value + coalesce(r.returns_value, 0) as {{ type_numeric(18, 3) }}) as net_monetary,
        {#- A share, not "net <= 0": a cancelled bulk order leaves the pence of an earlier basket (16446 on the
            real file keeps 2.90 of 168,472.50), and that customer is no more valuable than one who kept nothing. #}
        (c.sales_value + coalesce(r.returns_value, 0))
            <= cast(c.sales_value as {{ type_numeric(38, 3) }}) * (1 - cast({{ var('fully_returned_share') }} as {{ type_numeric(9, 6) }})) as is_fully_returned
    from customers as c
    left join returns as r on r.customer_id = c.customer_id
),

annualised as (
    select
        net.*,
        {{ divide_exact('cast(net.net_monetary as ' ~ type_numeric(38, 3) ~ ') * 365', 'greatest(net.tenure_days, ' ~ var('cltv_tenure_floor_days') ~ ')', 4) }} as annualised_net_value
    from net
)

select
    a.customer_id,
    a.returns_value,
    a.net_monetary,
    a.is_fully_returned,
    a.annualised_net_value,
    cast(
        case
            when a.is_fully_returned then 0
            else round(cast(a.annualised_net_value as {{ type_numeric(38, 4) }}) * cast({{ var('cltv_expected_lifetime_years') }} as {{ type_numeric(9, 4) }}) * margin.gross_margin, 4)
        end
    as {{ type_numeric(18, 4) }}) as cltv_interpretable
from annualised as a
cross join margin
