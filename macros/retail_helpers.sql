{#- Project macros of the retail analytics project. Anything dialect-specific dispatches
    (default__ = PostgreSQL SQL, duckdb__ where DuckDB differs), like xform's cross-database macros. -#}

{#- is_churned: recency above the churn window (days). -#}
{% macro churn_flag(recency_col, churn_window) -%}
({{ recency_col }} > {{ churn_window }})
{%- endmacro %}

{#- numerator / denominator as an exact decimal(precision, scale), rounded half away from zero, NULL when the
    denominator is 0 or NULL. Money is never divided in floating point: PostgreSQL's numeric division
    is exact; DuckDB divides decimals in double precision, so its variant divides scaled integers.
    The numerator must have at most `scale` decimals (money here has 3). Precision 18 by default, the
    project's money type: a 64-bit integer on DuckDB, where reading, writing and summing decimal(38) (128-bit)
    columns costs several times more; a quotient that does not fit stops the build. -#}
{% macro divide_exact(numerator, denominator, scale=4, precision=18) %}{{ return(adapter.dispatch('divide_exact')(numerator, denominator, scale, precision)) }}{% endmacro %}

{% macro default__divide_exact(numerator, denominator, scale, precision) -%}
cast(round(cast({{ numerator }} as numeric) / nullif({{ denominator }}, 0), {{ scale }}) as numeric({{ precision }}, {{ scale }}))
{%- endmacro %}

{#- Scaled integers divided with rounding half away from zero. In 64-bit integers while the scaled numerator stays
    under 1e15, where going through a double is exact (it is an integer: the numerator has at most `scale`
    decimals): five times faster than DuckDB's 128-bit arithmetic on decimal(38) values, which the rare larger value
    still takes (each 128-bit term written once, so DuckDB computes it only for the rows that need it). -#}
{% macro duckdb__divide_exact(numerator, denominator, scale, precision) -%}
{%- set unit = '0.' ~ ('0' * (scale - 1)) ~ '1' if scale > 0 else '1' -%}
{%- set scaled = 'cast(round(cast(' ~ numerator ~ ' as double) * ' ~ (10 ** scale) ~ ') as bigint)' -%}
{%- set d = 'nullif(' ~ denominator ~ ', 0)' -%}
(cast(case
    when abs(cast({{ numerator }} as double)) * {{ 10 ** scale }} < 1e15
        then sign({{ scaled }}) * sign({{ d }}) * ((abs({{ scaled }}) * 2 + abs({{ d }})) // (2 * abs({{ d }})))
    else sign({{ numerator }}) * sign({{ d }})
        * ((abs(cast(({{ numerator }}) * {{ 10 ** scale }} as hugeint)) * 2 + abs({{ d }})) // (2 * abs({{ d }})))
  end as decimal({{ precision }}, 0)) * cast({{ unit }} as decimal({{ precision }}, {{ scale }})))
{%- endmacro %}

{#- Snowflake: `cast(x as numeric)` is NUMBER(38, 0) there (it would drop the decimals) and a quotient of
    decimals is rounded to at most 12 places before any round() (double rounding). So, as on DuckDB, divide
    scaled integers, with an exact integer quotient (a - mod(a, b)) / b, rounding half away from zero. The
    denominator must be a whole number (counts here). -#}
{% macro snowflake__divide_exact(numerator, denominator, scale, precision) -%}
{%- set unit = '0.' ~ ('0' * (scale - 1)) ~ '1' if scale > 0 else '1' -%}
{%- set n = 'cast((' ~ numerator ~ ') * ' ~ (10 ** scale) ~ ' as number(38, 0))' -%}
{%- set d = 'cast(nullif(' ~ denominator ~ ', 0) as number(38, 0))' -%}
cast(
    sign({{ n }}) * sign({{ d }})
    * cast(((abs({{ n }}) * 2 + abs({{ d }})) - mod(abs({{ n }}) * 2 + abs({{ d }}), 2 * abs({{ d }}))) / (2 * abs({{ d }})) as number(38, 0))
    * {{ unit }}
  as number({{ precision }}, {{ scale }}))
{%- endmacro %}

{#- Raw InvoiceDate text to a timestamp: `12/1/2010 8:26` (M/D/YYYY H:MM) or ISO. Anything else fails
    the build with the offending text. -#}
{% macro parse_invoice_timestamp(text_col) %}{{ return(adapter.dispatch('parse_invoice_timestamp')(text_col)) }}{% endmacro %}

{% macro default__parse_invoice_timestamp(text_col) -%}
case
    when {{ text_col }} ~ '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}$'
        then cast(to_timestamp({{ text_col }}, 'MM/DD/YYYY HH24:MI') as timestamp)
    else cast({{ text_col }} as timestamp)
end
{%- endmacro %}

{#- Snowflake has no `~`: regexp_like (which matches the whole string); ISO text through
    to_timestamp_ntz's AUTO detection, which fails the statement on anything it cannot read. -#}
{% macro snowflake__parse_invoice_timestamp(text_col) -%}
case
    when regexp_like({{ text_col }}, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}')
        then to_timestamp_ntz({{ text_col }}, 'MM/DD/YYYY HH24:MI')
    else to_timestamp_ntz({{ text_col }})
end
{%- endmacro %}

{% macro duckdb__parse_invoice_timestamp(text_col) -%}
coalesce(
    try_strptime({{ text_col }}, '%m/%d/%Y %H:%M'),
    try_strptime({{ text_col }}, '%Y-%m-%d %H:%M:%S'),
    try_strptime({{ text_col }}, '%Y-%m-%dT%H:%M:%S'),
    try_strptime({{ text_col }}, '%Y-%m-%d %H:%M'),
    error('InvoiceDate is neither M/D/YYYY H:MM nor ISO: ' || coalesce({{ text_col }}, 'NULL'))
)
{%- endmacro %}

{#- Money: exact decimal, 3 decimals (the real file has prices like 0.001). -#}
{% macro type_money() %}{{ return(type_numeric(18, 3)) }}{% endmacro %}

{#- A SQL list of quoted, lower-cased strings from a project var: ('a', 'b'). -#}
{% macro lower_literal_list(values) -%}
({% for v in values %}'{{ v | lower | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The snapshot date as SQL: the var snapshot_date when given, else the day after the latest sale
    (read from int_snapshot_date, which every customer model joins). -#}
{% macro snapshot_date_literal() -%}
{%- set d = var('snapshot_date', none) -%}
{%- if d is none -%}none{%- else -%}cast('{{ d }}' as date){%- endif -%}
{%- endmacro %}

{#- Whether an incremental customer model reads only what is new since its last run (the rows of staging ingested
    after the latest ingested_at it holds). False on a first or --full-refresh build, and when the var
    returns_in_customer_metrics is on: return lines dated after the latest sale only join the metrics once a later
    sale moves the snapshot date, so their batch may be long past; those models then recompute every customer. -#}
{% macro retail_reads_new_rows_only() -%}
{{ return(is_incremental() and not var('returns_in_customer_metrics')) }}
{%- endmacro %}

{#- The vars that decide which lines feed the customer metrics, as one text; int_customer_totals stores it on every
    row, and a build whose vars differ from the stored ones stops before it starts (retail_check_raw_input),
    since rows computed under the old settings would stay. -#}
{% macro retail_metric_settings() -%}
{{ return('snapshot_date=' ~ (var('snapshot_date', none) or 'latest') ~ ';returns_in_customer_metrics=' ~ (var('returns_in_customer_metrics') | string | lower)
    ~ ';incomplete_descriptions=' ~ (var('incomplete_descriptions') | join('|') | lower) ~ ';unknown_countries=' ~ (var('unknown_countries') | join('|') | lower)) }}
{%- endmacro %}

{#- dbt's hook for a test's `where` config, with one placeholder: __new_rows__ = the rows of the latest ingestion (the
    latest ingested_at of the relation's table; for a view over staging, of stg_transaction_logs, which it reads: an
    ingestion stamps all its rows alike). Tests of the line-level models use it, so an incremental build tests the
    lines it added, not millions of lines tested before; a full build tests every line. -#}
{% macro get_where_subquery(relation) -%}
{%- set where = config.get('where', '') -%}
{%- if where -%}
{%- set where = where | replace('__new_rows__', 'ingested_at >= ' ~ retail_latest_ingestion(relation)) -%}
{{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
{%- else -%}
{{ return(relation) }}
{%- endif -%}
{%- endmacro %}

{% macro retail_latest_ingestion(relation) %}{{ return(adapter.dispatch('retail_latest_ingestion')(relation)) }}{% endmacro %}

{% macro default__retail_latest_ingestion(relation) -%}
(select max(ingested_at) from {{ relation }})
{%- endmacro %}

{#- DuckDB: a literal read when the test runs. A filter on a constant skips the stored row groups of older
    ingestions, where a subquery reads them all (a view's filter over every staged line included). A relation not
    built yet keeps the subquery, so the test fails as any test of an unbuilt model does, saying what to build. -#}
{% macro duckdb__retail_latest_ingestion(relation) -%}
{%- if execute -%}
{%- set stored = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
{%- set table = load_relation(ref('stg_transaction_logs')) if stored is not none and stored.is_view else stored -%}
{%- if table is not none -%}
{%- set latest = run_query('select cast(max(ingested_at) as varchar) from ' ~ table).columns[0].values()[0] -%}
{%- endif -%}
{%- endif -%}
{%- if latest -%}
cast('{{ latest }}' as timestamptz)
{%- else -%}
{{ default__retail_latest_ingestion(relation) }}
{%- endif -%}
{%- endmacro %}

{#- What an incremental model has already taken in: the latest ingested_at (or loaded_at) of its own rows, as SQL.
    An empty table (a build stopped after creating it, or one made by --empty) has taken in nothing: a time before
    any data, so that every row counts as new, not NULL, which would count none. -#}
{% macro retail_watermark(column='ingested_at') -%}
coalesce((select max({{ column }}) from {{ this }}), cast('1900-01-01 00:00:00' as {{ type_timestamp() }}))
{%- endmacro %}
