with raw as (select transaction_category, row_count, gross_value
    from "RETAIL"."INT_CATEGORY_TOTALS"
),

totals as (select coalesce(sum(raw_rows), 0) as raw_rows from "RETAIL"."STG_RAW_LOADS"
),

used as (select coalesce(sum(line_count), 0) as metric_rows from "RETAIL"."INT_CUSTOMER_INVOICES"
),

per_category as (
    select
        transaction_category,
        sum(row_count) as row_count,
        cast(sum(gross_value) as numeric(18,3)) as gross_value
    from raw
    group by transaction_category
)

select
    p.transaction_category,
    cast(p.row_count as bigint) as row_count,
    cast(
    sign(cast((p.row_count) * 1000000 as number(38, 0))) * sign(cast(nullif(t.raw_rows, 0) as number(38, 0)))
    * cast(((abs(cast((p.row_count) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(t.raw_rows, 0) as number(38, 0)))) - mod(abs(cast((p.row_count) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(t.raw_rows, 0) as number(38, 0))), 2 * abs(cast(nullif(t.raw_rows, 0) as number(38, 0))))) / (2 * abs(cast(nullif(t.raw_rows, 0) as number(38, 0)))) as number(38, 0))
    * 0.000001
  as number(18, 6)) as share_of_raw_rows,
    p.gross_value,
    p.transaction_category in ('sale') as feeds_customer_metrics,
    cast(t.raw_rows as bigint) as raw_rows,
    cast(u.metric_rows as bigint) as rows_in_customer_metrics,
    cast(
    sign(cast((t.raw_rows - u.metric_rows) * 1000000 as number(38, 0))) * sign(cast(nullif(t.raw_rows, 0) as number(38, 0)))
    * cast(((abs(cast((t.raw_rows - u.metric_rows) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(t.raw_rows, 0) as number(38, 0)))) - mod(abs(cast((t.raw_rows - u.metric_rows) * 1000000 as number(38, 0))) * 2 + abs(cast(nullif(t.raw_rows, 0) as number(38, 0))), 2 * abs(cast(nullif(t.raw_rows, 0) as number(38, 0))))) / (2 * abs(cast(nullif(t.raw_rows, 0) as number(38, 0)))) as number(38, 0))
    * 0.000001
  as number(18, 6)) as data_loss_share
from per_category as p
cross join totals as t
cross join used as u
