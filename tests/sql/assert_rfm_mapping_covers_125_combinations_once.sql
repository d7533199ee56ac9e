{#- Every (r, f, m) score combination 1..5 x 1..5 x 1..5 matches exactly one row of the seed
    rfm_segment_mapping. Returns the combinations matched zero or several times. -#}
with scores as (
    select cast(generated_number as {{ type_int() }}) as score
    from ({{ generate_series(5) }}) as series
),

combinations as (
    select r.score as r_score, f.score as f_score, m.score as m_score
    from scores as r
    cross join scores as f
    cross join scores as m
)

select c.r_score, c.f_score, c.m_score, count(map.rfm_segment) as matches
from combinations as c
left join {{ ref('rfm_segment_mapping') }} as map
    on c.r_score between map.min_r and map.max_r
    and c.f_score between map.min_f and map.max_f
    and c.m_score between map.min_m and map.max_m
group by c.r_score, c.f_score, c.m_score
having count(map.rfm_segment) <> 1
