select *
from (select * from "RETAIL"."STG_TRANSACTION_LOGS" where false limit 0)
where transaction_category = 'sale'
