
select customer_id, sum(amount) as revenue from "ANALYTICS"."RETAIL"."STG_ORDERS" where amount > 0 group by customer_id
