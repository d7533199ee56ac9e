{{ config(materialized='view') }}
{#- One row per customer (a customer id with at least one sale line before the snapshot date) with its country:
    the one on its latest sale line (int_customer_totals). -#}
select customer_id, country
from {{ ref('int_customer_totals') }}
