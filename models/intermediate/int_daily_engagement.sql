{#- One row per calendar day from the first to the last sale day (days without sales included).
    dau: distinct active customers that day; mau: distinct active customers in the trailing 30 days
    including that day (a real rolling distinct count, not a sum of DAUs); stickiness = dau / mau
    (NULL when mau = 0); calendar_month_mau: distinct active customers in the day's calendar month.
    Active = has a line in int_customer_metric_lines that day. The spine's days are cast to dates: dbt's
    date_spine gives what dateadd gives, a timestamp on DuckDB and PostgreSQL. -#}
with bounds as (
    select min(invoice_day) as first_day, max(invoice_day) as last_day
    from {{ ref('int_customer_metric_lines') }}
    where transaction_category = 'sale'
),

spine as (
    select cast(date_day as {{ type_date() }}) as date_day
    from ({{ date_spine('day', '(select first_day from bounds)', dateadd('day', 1, '(select last_day from bounds)')) }}) as days
),

active as (
    select distinct customer_id, invoice_day as activity_date
    from {{ ref('int_customer_metric_lines') }}
),

daily as (
    select
        spine.date_day as activity_date,
        count(distinct active.customer_id) as dau
    from spine
    left join active on active.activity_date = spine.date_day
    group by spine.date_day
),

rolling as (
    select
        spine.date_day as activity_date,
        count(distinct active.customer_id) as mau
    from spine
    left join active
        on active.activity_date <= spine.date_day
        and active.activity_date > {{ dateadd('day', -30, 'spine.date_day') }}
    group by spine.date_day
),

monthly as (
    select
        cast({{ date_trunc('month', 'activity_date') }} as {{ type_date() }}) as calendar_month,
        count(distinct customer_id) as calendar_month_mau
    from active
    group by 1
)

select
    daily.activity_date,
    cast({{ date_trunc('month', 'daily.activity_date') }} as {{ type_date() }}) as calendar_month,
    cast(daily.dau as {{ type_int() }}) as dau,
    cast(rolling.mau as {{ type_int() }}) as mau,
    {{ divide_exact('daily.dau', 'rolling.mau', 6) }} as stickiness,
    cast(coalesce(monthly.calendar_month_mau, 0) as {{ type_int() }}) as calendar_month_mau
from daily
inner join rolling on rolling.activity_date = daily.activity_date
left join monthly on monthly.calendar_month = cast({{ date_trunc('month', 'daily.activity_date') }} as {{ type_date() }})
