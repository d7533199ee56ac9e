
select c.id, c.name, t.revenue
from "ANALYTICS"."RETAIL"."CUSTOMERS" c
left join "PR_42"."INT_TOTALS" t on t.customer_id = c.id
