{{ config(materialized='incremental', incremental_strategy='merge', unique_key='rfm_group_key', on_schema_change='append_new_columns') }}
{#- RFM segment dimension, SCD type 1: one row per segment of the seed rfm_segment_mapping (all of them,
    whether or not a customer is in it), with the R and F score ranges it covers. -#}
select
    {{ hash('rfm_segment') }} as rfm_group_key,
    rfm_segment,
    cast(min(min_r) as {{ type_int() }}) as min_r_score,
    cast(max(max_r) as {{ type_int() }}) as max_r_score,
    cast(min(min_f) as {{ type_int() }}) as min_f_score,
    cast(max(max_f) as {{ type_int() }}) as max_f_score,
    cast(min(min_m) as {{ type_int() }}) as min_m_score,
    cast(max(max_m) as {{ type_int() }}) as max_m_score
from {{ ref('rfm_segment_mapping') }}
group by rfm_segment
