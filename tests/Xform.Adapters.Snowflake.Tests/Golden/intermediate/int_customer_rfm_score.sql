with scored as (
    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        ntile(5) over (order by recency_days desc, customer_id) as r_score,
        ntile(5) over (order by frequency, customer_id) as f_score,
        ntile(5) over (order by monetary, customer_id) as m_score
    from "RETAIL"."INT_CUSTOMER_RFM_VALUES"
)

select
    customer_id,
    recency_days,
    frequency,
    monetary,
    cast(r_score as integer) as r_score,
    cast(f_score as integer) as f_score,
    cast(m_score as integer) as m_score,
    cast(r_score as TEXT) || cast(f_score as TEXT) || cast(m_score as TEXT) as rfm_cell
from scored
