{#- How DuckDB reads the raw POS file in place (the source's external_location): every column as text
    (typing happens in stg_transaction_logs) plus _loaded_at, the file's modification time (DuckDB's
    read_blob last_modified), which the source freshness check reads. CSV, CSV.GZ or Parquet.
    On any other target it renders nothing, so the source is the ordinary table pos.transaction_logs,
    loaded beforehand with the same columns and a _loaded_at load timestamp. -#}
{% macro raw_pos_reader(path) -%}
{%- set p = path | replace("'", "''") -%}
{%- if target.type != 'duckdb' -%}
{%- elif (p | lower).endswith('.parquet') -%}
(select raw_file.*, (select max(last_modified) from read_blob('{{ p }}')) as _loaded_at from read_parquet('{{ p }}') as raw_file)
{%- else -%}
(select raw_file.*, (select max(last_modified) from read_blob('{{ p }}')) as _loaded_at from read_csv('{{ p }}', header = true, all_varchar = true) as raw_file)
{%- endif -%}
{%- endmacro %}
