{{ config(materialized='incremental', incremental_strategy='merge', unique_key='customer_id', on_schema_change='append_new_columns') }}
{#- Customer dimension, SCD type 1: one row per customer, attributes overwritten in place by each run
    (merge on customer_id). -#}
select
    c.customer_id,
    c.country,
    v.first_purchase_at,
    cast(v.first_purchase_at as {{ type_date() }}) as first_purchase_date
from {{ ref('int_customers') }} as c
inner join {{ ref('int_customer_rfm_values') }} as v on v.customer_id = c.customer_id
