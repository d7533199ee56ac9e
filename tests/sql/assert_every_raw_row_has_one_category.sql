{#- Every raw row reaches staging exactly once with exactly one known category: the categories'
    row counts (from stg_transaction_logs) add up to the raw row count (counted on the source by
    rpt_data_loss), and no category is NULL or unknown. (Reading the source here directly would make
    the test a parent-gate of staging's own children.) -#}
with report as (
    select transaction_category, row_count, raw_rows from {{ ref('rpt_data_loss') }}
)

select
    max(raw_rows) as raw_rows,
    sum(row_count) as categorised_rows,
    sum(case when transaction_category is null
        or transaction_category not in ('bad_debt', 'return', 'manual_adjustment', 'non_product', 'zero_value', 'incomplete', 'sale')
        then 1 else 0 end) as unknown_categories
from report
having max(raw_rows) <> sum(row_count)
    or sum(case when transaction_category is null
        or transaction_category not in ('bad_debt', 'return', 'manual_adjustment', 'non_product', 'zero_value', 'incomplete', 'sale')
        then 1 else 0 end) > 0
