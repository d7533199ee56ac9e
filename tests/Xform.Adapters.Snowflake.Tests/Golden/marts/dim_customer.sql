select
    c.customer_id,
    c.country,
    v.first_purchase_at,
    cast(v.first_purchase_at as date) as first_purchase_date
from "RETAIL"."INT_CUSTOMERS" as c
inner join "RETAIL"."INT_CUSTOMER_RFM_VALUES" as v on v.customer_id = c.customer_id
