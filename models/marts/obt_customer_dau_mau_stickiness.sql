{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='activity_date', on_schema_change='append_new_columns') }}
{#- One row per day: DAU, rolling 30-day MAU, stickiness and calendar-month MAU. The per-day work is done
    incrementally in int_daily_engagement (only the days new activity can change); this mart has one row a day
    (a few hundred), so every run overwrites all of them from it: late lines for any earlier day land here too. -#}
select
    activity_date,
    calendar_month,
    dau,
    mau,
    stickiness,
    calendar_month_mau
from {{ ref('int_daily_engagement') }}
