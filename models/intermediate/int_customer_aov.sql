{{ config(materialized='table') }}
{#- Two averages, both exact decimals: customer_aov is value per order (monetary / distinct invoices),
    the AOV of this project; avg_line_value is value per invoice line, which some teams call AOV. -#}
select
    customer_id,
    {{ divide_exact('monetary', 'frequency', 4) }} as customer_aov,
    {{ divide_exact('monetary', 'line_count', 4) }} as avg_line_value
from {{ ref('int_customer_rfm_values') }}
