with snapshot as (
    select snapshot_date from "RETAIL"."INT_SNAPSHOT_DATE"
),

sale_revenue as (
    select coalesce(sum(t.gross_value), 0) as revenue
    from "RETAIL"."INT_CATEGORY_TOTALS" as t
    cross join snapshot
    where t.invoice_day < snapshot.snapshot_date
      and t.transaction_category = 'sale'
),

customer_total as (
    select coalesce(sum(monetary), 0) as monetary
    from "RETAIL"."OBT_CUSTOMER_KPIS_AND_SEGMENTATION"
),

segment_mismatches as (
    select count(*) as n
    from "RETAIL"."OBT_CUSTOMER_KPIS_AND_SEGMENTATION" as o
    left join "RETAIL"."RFM_SEGMENT_MAPPING" as m
        on o.r_score between m.min_r and m.max_r
        and o.f_score between m.min_f and m.max_f
        and o.m_score between m.min_m and m.max_m
    where m.rfm_segment is null
       or m.rfm_segment <> o.rfm_segment
       or o.rfm_cell <> cast(o.r_score as TEXT) || cast(o.f_score as TEXT) || cast(o.m_score as TEXT)
),

engagement_bounds as (
    select count(*) as n
    from "RETAIL"."INT_DAILY_ENGAGEMENT" as e
    where e.mau < e.dau
       or e.mau > (select count(*) from "RETAIL"."INT_CUSTOMERS")
),

fact_vs_obt as (
    select abs((select count(*) from "RETAIL"."FCT_CUSTOMER_METRICS" as f cross join snapshot where f.snapshot_date = snapshot.snapshot_date)
             - (select count(*) from "RETAIL"."OBT_CUSTOMER_KPIS_AND_SEGMENTATION")) as n
)

select 'customer_monetary_equals_sale_revenue' as check_name,
    cast(case when sale_revenue.revenue = customer_total.monetary then 0 else 1 end as bigint) as failing_rows,
    'sale revenue ' || cast(sale_revenue.revenue as TEXT) || ', customer monetary ' || cast(customer_total.monetary as TEXT) as detail
from sale_revenue cross join customer_total
union all
select 'rfm_segment_matches_scores', cast(n as bigint), 'customers whose segment or rfm_cell disagrees with their scores and the seed grid' from segment_mismatches
union all
select 'mau_between_dau_and_all_customers', cast(n as bigint), 'days with mau < dau or mau above the number of customers' from engagement_bounds
union all
select 'fact_has_every_customer_of_the_snapshot', cast(n as bigint), 'difference between fact rows of the snapshot and customers' from fact_vs_obt
