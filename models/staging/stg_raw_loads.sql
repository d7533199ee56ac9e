{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
{#- One row per raw file read (DuckDB) or per load (elsewhere): how many raw rows it had, counted on the raw source
    itself when it was read. rpt_data_loss adds these up, so the proof that staging kept every raw row does not
    re-read old raw files on every build. Reads the same new rows as stg_transaction_logs (retail_new_raw_rows). -#}
select
    {%- if target.type == 'duckdb' %}
    cast(_source_file as {{ type_string() }}) as source_file,
    {%- else %}
    cast(null as {{ type_string() }}) as source_file,
    {%- endif %}
    cast(_loaded_at as {{ type_timestamp() }}) as loaded_at,
    cast(count(*) as {{ type_bigint() }}) as raw_rows,
    {{ current_timestamp() }} as ingested_at
from {{ retail_new_raw_rows(source('pos', 'transaction_logs')) }} as raw_rows
group by 1, 2
