select customer_id, country
from "RETAIL"."INT_CUSTOMER_TOTALS"
