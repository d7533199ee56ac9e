select *
from "RETAIL"."STG_TRANSACTION_LOGS"
where transaction_category = 'sale'
