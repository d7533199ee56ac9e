select
    md5(cast(rfm_segment as TEXT)) as rfm_group_key,
    rfm_segment,
    cast(min(min_r) as integer) as min_r_score,
    cast(max(max_r) as integer) as max_r_score,
    cast(min(min_f) as integer) as min_f_score,
    cast(max(max_f) as integer) as max_f_score,
    cast(min(min_m) as integer) as min_m_score,
    cast(max(max_m) as integer) as max_m_score
from "RETAIL"."RFM_SEGMENT_MAPPING"
group by rfm_segment
