select
    s.customer_id,
    s.r_score,
    s.f_score,
    s.m_score,
    s.rfm_cell,
    m.rfm_segment
from "RETAIL"."INT_CUSTOMER_RFM_SCORE" as s
inner join "RETAIL"."RFM_SEGMENT_MAPPING" as m
    on s.r_score between m.min_r and m.max_r
    and s.f_score between m.min_f and m.max_f
    and s.m_score between m.min_m and m.max_m
