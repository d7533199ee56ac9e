{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='activity_date', on_schema_change='append_new_columns') }}
{#- One row per day: DAU, rolling 30-day MAU, stickiness and calendar-month MAU. Incremental runs
    rewrite the days from 30 days before the latest stored day onwards (the trailing window a new day
    can still change); lines that arrive later than that need --full-refresh. -#}
select
    activity_date,
    calendar_month,
    dau,
    mau,
    stickiness,
    calendar_month_mau
from {{ ref('int_daily_engagement') }}
{%- if is_incremental() %}
where activity_date >= (select {{ dateadd('day', -30, 'max(activity_date)') }} from {{ this }})
{%- endif %}
