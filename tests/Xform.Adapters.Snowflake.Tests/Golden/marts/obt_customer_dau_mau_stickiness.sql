select
    activity_date,
    calendar_month,
    dau,
    mau,
    stickiness,
    calendar_month_mau
from "RETAIL"."INT_DAILY_ENGAGEMENT"
