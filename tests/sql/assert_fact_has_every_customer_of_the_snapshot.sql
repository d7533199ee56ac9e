{#- fct_customer_metrics has one row per customer for the current snapshot date. -#}
select * from {{ ref('rpt_sanity_checks') }}
where check_name = 'fact_has_every_customer_of_the_snapshot' and failing_rows > 0
