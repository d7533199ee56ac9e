with active_days as (
    select customer_id, activity_date, has_sale, ingested_at
    from "RETAIL"."INT_CUSTOMER_ACTIVE_DAYS"
),

bounds as (
    select
        min(case when has_sale then activity_date end) as first_day,
        max(case when has_sale then activity_date end) as last_day,
        max(ingested_at) as ingested_at
    from active_days
),

rewrite_from as (
    select first_day from bounds
),

spine as (
    select cast(date_day as date) as date_day
    from (with rawdata as (
    select cast(value as integer) as generated_number
from table(flatten(input => array_generate_range(1, ((datediff(day, (select greatest(b.first_day, r.first_day) from bounds as b cross join rewrite_from as r), dateadd(day, 1, (select last_day from bounds))))) + 1)))
),

all_periods as (
    select (dateadd(day, row_number() over (order by 1) - 1, (select greatest(b.first_day, r.first_day) from bounds as b cross join rewrite_from as r))) as date_day
    from rawdata
),

filtered as (
    select *
    from all_periods
    where date_day <= dateadd(day, 1, (select last_day from bounds))
)

select * from filtered) as days
),

active as (select customer_id, activity_date
    from active_days
    where activity_date > dateadd(day, -30, (select first_day from rewrite_from))
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
        and active.activity_date > dateadd(day, -30, spine.date_day)
    group by spine.date_day
),

monthly as (
    select
        cast(date_trunc('month', activity_date) as date) as calendar_month,
        count(distinct customer_id) as calendar_month_mau
    from active
    group by 1
)

select
    daily.activity_date,
    cast(date_trunc('month', daily.activity_date) as date) as calendar_month,
    cast(daily.dau as integer) as dau,
    cast(rolling.mau as integer) as mau,
    cast(
    sign(cast((daily.dau) * 1000000 as number(38, 0))) * sign(cast(nullif(rolling.mau, 0) as number(38, 0)))
    * cast(((abs(cast((daily.dau) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(rolling.mau, 0) as number(38, 0)))) - mod(abs(cast((daily.dau) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(rolling.mau, 0) as number(38, 0))), 2 * abs(cast(nullif(rolling.mau, 0) as number(38, 0))))) / (2 * abs(cast(nullif(rolling.mau, 0) as number(38, 0)))) as number(38, 0))
    * 0.000001
  as number(18, 6)) as stickiness,
    cast(coalesce(monthly.calendar_month_mau, 0) as integer) as calendar_month_mau,
    (select ingested_at from bounds) as ingested_at
from daily
inner join rolling on rolling.activity_date = daily.activity_date
left join monthly on monthly.calendar_month = cast(date_trunc('month', daily.activity_date) as date)
