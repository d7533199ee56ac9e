{{ config(materialized='table') }}
{#- The RFM segment of each customer: its (r, f, m) scores joined to the seed rfm_segment_mapping by
    inclusive ranges (the seed covers each of the 125 combinations exactly once; a test proves it). -#}
select
    s.customer_id,
    s.r_score,
    s.f_score,
    s.m_score,
    s.rfm_cell,
    m.rfm_segment
from {{ ref('int_customer_rfm_score') }} as s
inner join {{ ref('rfm_segment_mapping') }} as m
    on s.r_score between m.min_r and m.max_r
    and s.f_score between m.min_f and m.max_f
    and s.m_score between m.min_m and m.max_m
