{#- The sum of the customers' monetary equals the total revenue of the sale lines before the snapshot
    date (plus those customers' returns when returns_in_customer_metrics is true), exactly; computed in
    rpt_sanity_checks from the staging model, not from int_customer_metric_lines. -#}
select * from {{ ref('rpt_sanity_checks') }}
where check_name = 'customer_monetary_equals_sale_revenue' and failing_rows > 0
