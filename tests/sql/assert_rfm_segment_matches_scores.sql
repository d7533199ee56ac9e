{#- Each customer's segment is the one the seed grid gives for its scores, and rfm_cell spells them. -#}
select * from {{ ref('rpt_sanity_checks') }}
where check_name = 'rfm_segment_matches_scores' and failing_rows > 0
