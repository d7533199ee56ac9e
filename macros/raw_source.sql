{#- How DuckDB reads the raw POS data in place (the source's external_location): every column as text (typing
    happens in stg_transaction_logs) plus _loaded_at, the modification time of the row's file (DuckDB's read_blob
    last_modified; the source freshness check reads it) and _source_file, the file's name (without its folder, so
    that a moved project keeps its row keys). The var names one file (CSV, CSV.GZ or Parquet), a folder (every
    *.csv and *.csv.gz in it: one file a day, as a shop's till exports arrive) or a glob pattern.
    On any other target it renders nothing, so the source is the ordinary table pos.transaction_logs, loaded
    beforehand with the same columns and a _loaded_at load timestamp. -#}
{% macro raw_pos_reader(path) -%}
{%- if target.type == 'duckdb' -%}
{{ raw_pos_read_files("'" ~ raw_pos_glob(path) ~ "'", raw_pos_is_parquet(path)) }}
{%- endif -%}
{%- endmacro %}

{#- The glob DuckDB reads for the var: the file or pattern as given, or every CSV of a folder. Quotes doubled. -#}
{% macro raw_pos_glob(path) -%}
{%- set p = path | replace("'", "''") -%}
{%- set lower = p | lower -%}
{%- if '*' in p or '?' in p or lower.endswith('.csv') or lower.endswith('.gz') or lower.endswith('.parquet') or lower.endswith('.txt') -%}
{{ p }}
{%- else -%}
{{ p.rstrip('/') }}/*.csv*
{%- endif -%}
{%- endmacro %}

{% macro raw_pos_is_parquet(path) -%}{{ return((path | lower).endswith('.parquet')) }}{%- endmacro %}

{#- The rows of the files (a SQL string literal or list of them) with each row's file and that file's time. CSV is
    read as the Online Retail export writes it (comma, double quotes, quotes doubled inside), column names from the
    header, every value text: DuckDB then skips guessing the dialect (30 ms on top of the 7 ms a day's file takes to read). -#}
{% macro raw_pos_read_files(files, parquet=false) -%}
(select
    raw_file.* exclude (filename),
    blobs.last_modified as _loaded_at,
    parse_filename(raw_file.filename) as _source_file
from {% if parquet %}read_parquet({{ files }}, filename = true){% else %}read_csv({{ files }}, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true, filename = true){% endif %} as raw_file
inner join (select filename, last_modified from read_blob({{ files }})) as blobs
    on blobs.filename = raw_file.filename)
{%- endmacro %}

{#- The raw rows stg_transaction_logs has not read yet. A full build reads the whole source. An incremental one,
    on DuckDB, lists the files of the var (glob: names only, nothing read) and reads only those whose name is not
    in the table yet: old files are never opened. On PostgreSQL and Snowflake it reads the rows loaded after the
    latest load the table has (_loaded_at, stamped by the loader). Files changed or removed since they were read
    stop the build before it starts (retail_check_raw_input, on-run-start). -#}
{% macro retail_new_raw_rows(source_relation) -%}
{%- if not is_incremental() -%}
{{ source_relation }}
{%- elif target.type == 'duckdb' -%}
{%- set new_files = [] -%}
{%- if execute -%}
{%- set listing -%}
select file from glob('{{ raw_pos_glob(var('raw_transactions_path')) }}')
where parse_filename(file) not in (select distinct source_file from {{ this }})
order by file
{%- endset -%}
{%- set new_files = run_query(listing).columns[0].values() -%}
{%- endif -%}
{%- if new_files | length == 0 -%}
(select {% for c in ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'] -%}
cast(null as varchar) as "{{ c }}", {% endfor -%}
cast(null as timestamp) as _loaded_at, cast(null as varchar) as _source_file where 1 = 0)
{%- else -%}
{%- set files_sql -%}[{% for f in new_files %}'{{ f | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %}]{%- endset -%}
{{ raw_pos_read_files(files_sql, raw_pos_is_parquet(var('raw_transactions_path'))) }}
{%- endif -%}
{%- else -%}
(select * from {{ source_relation }} where _loaded_at > {{ retail_watermark('loaded_at') }})
{%- endif -%}
{%- endmacro %}
