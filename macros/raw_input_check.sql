{#- on-run-start: stop before anything runs when the incremental tables hold rows of raw data that has changed or
    gone since it was read, or were computed under other metric settings (vars), because an incremental run would
    keep those rows: pointing raw_transactions_path at another file or folder, rewriting a day's file, reloading the
    raw table, or changing snapshot_date. Says what changed and to run --full-refresh. Nothing to check on a first
    build or with --full-refresh. -#}
{% macro retail_check_raw_input() -%}
{%- if execute and not flags.FULL_REFRESH and flags.WHICH in ['run', 'build'] -%}
{%- set stg = adapter.get_relation(database=target.database, schema=target.schema, identifier='stg_transaction_logs') -%}
{#- what was read, one row per file or load: small, unlike the staged lines -#}
{%- set loads = adapter.get_relation(database=target.database, schema=target.schema, identifier='stg_raw_loads') -%}
{%- if stg is not none and loads is none -%}
{{ exceptions.raise_compiler_error("stg_transaction_logs was built by an earlier version of this project (there is no stg_raw_loads, which incremental runs need). Run `xform build --full-refresh` once.") }}
{%- endif -%}
{%- if loads is not none -%}
{%- if target.type == 'duckdb' -%}
{%- set check -%}
with loaded as (
    select source_file, max(loaded_at) as loaded_at from {{ loads }} group by source_file
),
current_files as (
    select parse_filename(filename) as filename, cast(last_modified as timestamp) as last_modified
    from read_blob('{{ raw_pos_glob(var('raw_transactions_path')) }}')
)
select loaded.source_file, case when current_files.filename is null then 'is no longer in the input' else 'was modified after it was read' end
from loaded
left join current_files on current_files.filename = loaded.source_file
where current_files.filename is null or current_files.last_modified <> loaded.loaded_at
order by loaded.source_file
limit 4
{%- endset -%}
{%- else -%}
{#- hooks have no source(): the raw table is where the source says (schema = the source's name) -#}
{%- set raw = adapter.get_relation(database=target.database, schema='pos', identifier='transaction_logs') -%}
{%- set check -%}
with loaded as (
    select loaded_at, sum(raw_rows) as row_count from {{ loads }} group by loaded_at
),
raw_loads as (
    select cast(_loaded_at as {{ type_timestamp() }}) as loaded_at, count(*) as row_count
    from {{ raw }}
    where _loaded_at <= (select max(loaded_at) from {{ loads }})
    group by 1
)
select cast(coalesce(loaded.loaded_at, raw_loads.loaded_at) as {{ type_string() }}),
    'load of ' || cast(coalesce(loaded.loaded_at, raw_loads.loaded_at) as {{ type_string() }}) || ' has '
    || cast(coalesce(raw_loads.row_count, 0) as {{ type_string() }}) || ' raw rows now, ' || cast(coalesce(loaded.row_count, 0) as {{ type_string() }}) || ' when read'
from loaded
full outer join raw_loads on raw_loads.loaded_at = loaded.loaded_at
where loaded.row_count is null or raw_loads.row_count is null or loaded.row_count <> raw_loads.row_count
limit 4
{%- endset -%}
{%- endif -%}
{%- set changed = run_query(check) -%}
{%- if changed.rows | length > 0 -%}
{%- set what = [] -%}
{%- for row in changed.rows -%}{%- do what.append(row[0] ~ ' ' ~ row[1] if target.type == 'duckdb' else row[1]) -%}{%- endfor -%}
{{ exceptions.raise_compiler_error("the raw input changed since stg_transaction_logs read it: " ~ (what | join('; ')) ~ ". Its old rows would stay in the incremental models and the marts. Run `xform build --full-refresh` to rebuild from the current input.") }}
{%- endif -%}
{%- endif -%}
{%- set totals = adapter.get_relation(database=target.database, schema=target.schema, identifier='int_customer_totals') -%}
{%- if totals is not none -%}
{%- set stored = run_query("select distinct metric_settings from " ~ totals) -%}
{%- for row in stored.rows if row[0] != retail_metric_settings() -%}
{{ exceptions.raise_compiler_error("the customer tables were computed with other settings (" ~ row[0] ~ ") than this build's (" ~ retail_metric_settings() ~ "). Run `xform build --full-refresh` to recompute them.") }}
{%- endfor -%}
{%- endif -%}
{%- endif -%}
{%- endmacro %}
