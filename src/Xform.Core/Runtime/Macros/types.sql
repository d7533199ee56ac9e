{#- Type names and casts: dbt's cross-database macros, with dbt's names and signatures, dispatched in the dbt
    namespace (a project's own default__/<adapter>__ version wins). The default__ versions are dbt-adapters';
    engines that differ have theirs in their adapter's Macros/ folder. dbt spells the type names through the
    adapter's Column.translate_type, which maps the label 'string' to TEXT and keeps every other label as
    written (on DuckDB, PostgreSQL and Snowflake alike): those results are written out here. -#}

{% macro type_string() %}{{ return(adapter.dispatch('type_string', 'dbt')()) }}{% endmacro %}
{% macro default__type_string() %}{{ return('TEXT') }}{% endmacro %}

{% macro type_timestamp() %}{{ return(adapter.dispatch('type_timestamp', 'dbt')()) }}{% endmacro %}
{% macro default__type_timestamp() %}{{ return('timestamp') }}{% endmacro %}

{#- 'float': double precision on PostgreSQL and Snowflake, but a 4-byte REAL on DuckDB (dbt-duckdb keeps it). -#}
{% macro type_float() %}{{ return(adapter.dispatch('type_float', 'dbt')()) }}{% endmacro %}
{% macro default__type_float() %}{{ return('float') }}{% endmacro %}

{#- dbt's type_numeric() takes no argument and gives numeric(28,6). xform also takes a precision and a scale
    (type_numeric(18, 3)); without them the dispatched macro is called with none, as dbt calls it. -#}
{% macro type_numeric(precision=none, scale=none) -%}
{%- if precision is none and scale is none -%}
{{ return(adapter.dispatch('type_numeric', 'dbt')()) }}
{%- else -%}
{{ return(adapter.dispatch('type_numeric', 'dbt')(28 if precision is none else precision, 6 if scale is none else scale)) }}
{%- endif -%}
{%- endmacro %}
{% macro default__type_numeric(precision=28, scale=6) %}{{ return('numeric(' ~ precision ~ ',' ~ scale ~ ')') }}{% endmacro %}

{% macro type_bigint() %}{{ return(adapter.dispatch('type_bigint', 'dbt')()) }}{% endmacro %}
{% macro default__type_bigint() %}{{ return('bigint') }}{% endmacro %}

{% macro type_int() %}{{ return(adapter.dispatch('type_int', 'dbt')()) }}{% endmacro %}
{% macro default__type_int() %}{{ return('integer') }}{% endmacro %}

{% macro type_boolean() %}{{ return(adapter.dispatch('type_boolean', 'dbt')()) }}{% endmacro %}
{% macro default__type_boolean() %}{{ return('boolean') }}{% endmacro %}

{#- Not one of dbt's: a calendar date. -#}
{% macro type_date() %}{{ return(adapter.dispatch('type_date')()) }}{% endmacro %}
{% macro default__type_date() %}date{% endmacro %}

{#- cast(field, type): type is SQL text, usually from a type_ macro: cast("'12'", type_int()). -#}
{% macro cast(field, type) %}{{ return(adapter.dispatch('cast', 'dbt')(field, type)) }}{% endmacro %}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}

{#- dbt's default (DuckDB and PostgreSQL use it) is a plain cast: a value that does not convert is an error,
    not NULL. Snowflake's version is try_cast. -#}
{% macro safe_cast(field, type) %}{{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}{% endmacro %}
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}

{#- A boolean as text; dbt casts to translate_type('string'), TEXT. -#}
{% macro cast_bool_to_text(field) %}{{ adapter.dispatch('cast_bool_to_text', 'dbt')(field) }}{% endmacro %}
{% macro default__cast_bool_to_text(field) %}cast({{ field }} as TEXT){% endmacro %}
