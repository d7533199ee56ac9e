{#- The sale rows only: the lines that feed the customer metrics. -#}
select *
from {{ ref('stg_transaction_logs') }}
where transaction_category = 'sale'
