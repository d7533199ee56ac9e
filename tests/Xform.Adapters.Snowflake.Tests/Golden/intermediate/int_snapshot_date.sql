select cast(dateadd(day, 1, max(invoice_day)) as date) as snapshot_date
from "RETAIL"."INT_CATEGORY_TOTALS"
where transaction_category = 'sale'
