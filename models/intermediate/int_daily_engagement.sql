{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='activity_date', on_schema_change='fail') }}
{#- One row per calendar day from the first to the last sale day (days without sales included).
    dau: distinct active customers that day; mau: distinct active customers in the trailing 30 days
    including that day (a real rolling distinct count, not a sum of DAUs); stickiness = dau / mau
    (NULL when mau = 0); calendar_month_mau: distinct active customers in the day's calendar month.
    Active = has a line in int_customer_metric_lines that day (int_customer_active_days). The spine's days are
    cast to dates: dbt's date_spine gives what dateadd gives, a timestamp on DuckDB and PostgreSQL.
    Incremental (delete+insert by day): activity ingested since the last run can change its own day, the 29 days
    after it (mau) and its whole calendar month (calendar_month_mau), so a run rewrites every day from the first
    of the month of the earliest new activity to the last sale day; a late line for an earlier day is handled
    the same way. The days before are not read beyond the 30 a rolling count needs. -#}
with active_days as (
    select customer_id, activity_date, has_sale, ingested_at
    from {{ ref('int_customer_active_days') }}
),

bounds as (
    select
        min(case when has_sale then activity_date end) as first_day,
        max(case when has_sale then activity_date end) as last_day,
        max(ingested_at) as ingested_at
    from active_days
),

rewrite_from as (
    {%- if retail_reads_new_rows_only() %}
    {#- no new activity: an empty range (the day after the last), so nothing is rewritten -#}
    select coalesce(
        cast({{ date_trunc('month', 'min(activity_date)') }} as {{ type_date() }}),
        cast({{ dateadd('day', 1, '(select last_day from bounds)') }} as {{ type_date() }})
    ) as first_day
    from active_days
    where ingested_at > {{ retail_watermark() }}
    {%- else %}
    select first_day from bounds
    {%- endif %}
),

spine as (
    select cast(date_day as {{ type_date() }}) as date_day
    from ({{ date_spine('day', '(select greatest(b.first_day, r.first_day) from bounds as b cross join rewrite_from as r)', dateadd('day', 1, '(select last_day from bounds)')) }}) as days
),

active as (
    {#- one row per customer and day already (int_customer_active_days' key) -#}
    select customer_id, activity_date
    from active_days
    where activity_date > {{ dateadd('day', -30, '(select first_day from rewrite_from)') }}
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
    cast(coalesce(monthly.calendar_month_mau, 0) as {{ type_int() }}) as calendar_month_mau,
    (select ingested_at from bounds) as ingested_at
from daily
inner join rolling on rolling.activity_date = daily.activity_date
left join monthly on monthly.calendar_month = cast({{ date_trunc('month', 'daily.activity_date') }} as {{ type_date() }})
