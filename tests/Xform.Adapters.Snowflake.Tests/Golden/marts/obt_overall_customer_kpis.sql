with snapshot as (
    select snapshot_date from "RETAIL"."INT_SNAPSHOT_DATE"
),

customers as (
    select * from "RETAIL"."OBT_CUSTOMER_KPIS_AND_SEGMENTATION"
),

sales as (select
        count(distinct i.invoice_no) as orders,
        cast(coalesce(sum(i.sales_amount), 0) as numeric(18,3)) as gross_sales
    from "RETAIL"."INT_CUSTOMER_INVOICES" as i
    where i.sale_line_count > 0
),

returns as (select cast(coalesce(sum(r.gross_value), 0) as numeric(18,3)) as returns_value
    from "RETAIL"."INT_CATEGORY_TOTALS" as r
    cross join snapshot
    where r.transaction_category = 'return'
        and r.invoice_day < snapshot.snapshot_date
),

customer_totals as (
    select
        count(*) as customers,
        cast(sum(customer_cltv_profit) as numeric(18,4)) as total_cltv_profit,
        sum(case when is_churned then 1 else 0 end) as churned_customers
    from customers
),

segments as (
    select rfm_segment, count(*) as customers
    from customers
    group by rfm_segment
),

segment_list as (
    select listagg(rfm_segment || '=' || cast(customers as TEXT), '; ') within group (order by rfm_segment) as customers_per_rfm_segment
    from segments
),

engagement as (
    select
        cast(
    sign(cast((sum(dau)) * 10000 as number(38, 0))) * sign(cast(nullif(count(*), 0) as number(38, 0)))
    * cast(((abs(cast((sum(dau)) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(count(*), 0) as number(38, 0)))) - mod(abs(cast((sum(dau)) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(count(*), 0) as number(38, 0))), 2 * abs(cast(nullif(count(*), 0) as number(38, 0))))) / (2 * abs(cast(nullif(count(*), 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as avg_dau,
        cast(
    sign(cast((sum(mau)) * 10000 as number(38, 0))) * sign(cast(nullif(count(*), 0) as number(38, 0)))
    * cast(((abs(cast((sum(mau)) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(count(*), 0) as number(38, 0)))) - mod(abs(cast((sum(mau)) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(count(*), 0) as number(38, 0))), 2 * abs(cast(nullif(count(*), 0) as number(38, 0))))) / (2 * abs(cast(nullif(count(*), 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as avg_mau,
        cast(
    sign(cast((sum(stickiness)) * 1000000 as number(38, 0))) * sign(cast(nullif(count(stickiness), 0) as number(38, 0)))
    * cast(((abs(cast((sum(stickiness)) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(count(stickiness), 0) as number(38, 0)))) - mod(abs(cast((sum(stickiness)) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(count(stickiness), 0) as number(38, 0))), 2 * abs(cast(nullif(count(stickiness), 0) as number(38, 0))))) / (2 * abs(cast(nullif(count(stickiness), 0) as number(38, 0)))) as number(38, 0))
    * 0.000001
  as number(18, 6)) as avg_stickiness
    from "RETAIL"."OBT_CUSTOMER_DAU_MAU_STICKINESS"
)

select
    snapshot.snapshot_date,
    cast(customer_totals.customers as integer) as customers,
    cast(sales.orders as integer) as orders,
    sales.gross_sales,
    returns.returns_value,
    cast(sales.gross_sales + returns.returns_value as numeric(18,3)) as net_revenue,
    cast(
    sign(cast((sales.gross_sales) * 10000 as number(38, 0))) * sign(cast(nullif(sales.orders, 0) as number(38, 0)))
    * cast(((abs(cast((sales.gross_sales) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(sales.orders, 0) as number(38, 0)))) - mod(abs(cast((sales.gross_sales) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(sales.orders, 0) as number(38, 0))), 2 * abs(cast(nullif(sales.orders, 0) as number(38, 0))))) / (2 * abs(cast(nullif(sales.orders, 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as overall_aov,
    cast(
    sign(cast((customer_totals.total_cltv_profit) * 10000 as number(38, 0))) * sign(cast(nullif(customer_totals.customers, 0) as number(38, 0)))
    * cast(((abs(cast((customer_totals.total_cltv_profit) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(customer_totals.customers, 0) as number(38, 0)))) - mod(abs(cast((customer_totals.total_cltv_profit) * 10000 as number(38, 0))) * 2 + abs(cast(nullif(customer_totals.customers, 0) as number(38, 0))), 2 * abs(cast(nullif(customer_totals.customers, 0) as number(38, 0))))) / (2 * abs(cast(nullif(customer_totals.customers, 0) as number(38, 0)))) as number(38, 0))
    * 0.0001
  as number(18, 4)) as avg_cltv_profit,
    customer_totals.total_cltv_profit,
    cast(customer_totals.churned_customers as integer) as churned_customers,
    cast(
    sign(cast((customer_totals.churned_customers) * 1000000 as number(38, 0))) * sign(cast(nullif(customer_totals.customers, 0) as number(38, 0)))
    * cast(((abs(cast((customer_totals.churned_customers) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(customer_totals.customers, 0) as number(38, 0)))) - mod(abs(cast((customer_totals.churned_customers) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(customer_totals.customers, 0) as number(38, 0))), 2 * abs(cast(nullif(customer_totals.customers, 0) as number(38, 0))))) / (2 * abs(cast(nullif(customer_totals.customers, 0) as number(38, 0)))) as number(38, 0))
    * 0.000001
  as number(18, 6)) as churn_rate,
    engagement.avg_dau,
    engagement.avg_mau,
    engagement.avg_stickiness,
    segment_list.customers_per_rfm_segment
from snapshot
cross join sales
cross join returns
cross join customer_totals
cross join segment_list
cross join engagement
