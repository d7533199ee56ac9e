{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='snapshot_date', on_schema_change='append_new_columns') }}
{#- One row per snapshot date: the whole business at a glance. Rerunning a snapshot date replaces its
    row; a run with another snapshot_date adds a row (history of snapshots). -#}
with snapshot as (
    select snapshot_date from {{ ref('int_snapshot_date') }}
),

customers as (
    select * from {{ ref('obt_customer_kpis_and_segmentation') }}
),

sales as (
    {#- The sale lines before the snapshot date, summed per invoice already (int_customer_invoices): every sale line
        has a customer, so they are all there. -#}
    select
        count(distinct i.invoice_no) as orders,
        cast(coalesce(sum(i.sales_amount), 0) as {{ type_numeric(18, 3) }}) as gross_sales
    from {{ ref('int_customer_invoices') }} as i
    where i.sale_line_count > 0
),

returns as (
    {#- every return line before the snapshot date, with or without a customer: the per-day totals of
        int_category_totals, a few rows a day instead of every staged line -#}
    select cast(coalesce(sum(r.gross_value), 0) as {{ type_numeric(18, 3) }}) as returns_value
    from {{ ref('int_category_totals') }} as r
    cross join snapshot
    where r.transaction_category = 'return'
        and r.invoice_day < snapshot.snapshot_date
),

customer_totals as (
    select
        count(*) as customers,
        cast(sum(customer_cltv_profit) as {{ type_numeric(18, 4) }}) as total_cltv_profit,
        sum(case when is_churned then 1 else 0 end) as churned_customers
    from customers
),

segments as (
    select rfm_segment, count(*) as customers
    from customers
    group by rfm_segment
),

segment_list as (
    select {{ listagg(concat(['rfm_segment', "'='", 'cast(customers as ' ~ type_string() ~ ')']), "'; '", 'order by rfm_segment') }} as customers_per_rfm_segment
    from segments
),

engagement as (
    select
        {{ divide_exact('sum(dau)', 'count(*)', 4) }} as avg_dau,
        {{ divide_exact('sum(mau)', 'count(*)', 4) }} as avg_mau,
        {{ divide_exact('sum(stickiness)', 'count(stickiness)', 6) }} as avg_stickiness
    from {{ ref('obt_customer_dau_mau_stickiness') }}
)

select
    snapshot.snapshot_date,
    cast(customer_totals.customers as {{ type_int() }}) as customers,
    cast(sales.orders as {{ type_int() }}) as orders,
    sales.gross_sales,
    returns.returns_value,
    cast(sales.gross_sales + returns.returns_value as {{ type_numeric(18, 3) }}) as net_revenue,
    {{ divide_exact('sales.gross_sales', 'sales.orders', 4) }} as overall_aov,
    {{ divide_exact('customer_totals.total_cltv_profit', 'customer_totals.customers', 4) }} as avg_cltv_profit,
    customer_totals.total_cltv_profit,
    cast(customer_totals.churned_customers as {{ type_int() }}) as churned_customers,
    {{ divide_exact('customer_totals.churned_customers', 'customer_totals.customers', 6) }} as churn_rate,
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
