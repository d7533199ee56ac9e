{#- Monetary > 0 for every customer when only sales count (the default); with returns in the metrics
    the sales part alone must still be > 0. -#}
select customer_id, monetary, sales_value
from {{ ref('int_customer_rfm_values') }}
where sales_value <= 0
{%- if not var('returns_in_customer_metrics') %}
   or monetary <= 0
   or monetary <> sales_value
{%- endif %}
