{#- The rolling MAU is a distinct count over a window that includes the day: never below DAU, never above all customers. -#}
select * from {{ ref('rpt_sanity_checks') }}
where check_name = 'mau_between_dau_and_all_customers' and failing_rows > 0
