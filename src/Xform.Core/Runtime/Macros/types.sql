{#- Type names and casts. default__ is PostgreSQL's spelling, which DuckDB accepts too. -#}

{% macro type_string() %}{{ return(adapter.dispatch('type_string')()) }}{% endmacro %}
{% macro default__type_string() %}varchar{% endmacro %}

{% macro type_int() %}{{ return(adapter.dispatch('type_int')()) }}{% endmacro %}
{% macro default__type_int() %}integer{% endmacro %}

{% macro type_bigint() %}{{ return(adapter.dispatch('type_bigint')()) }}{% endmacro %}
{% macro default__type_bigint() %}bigint{% endmacro %}

{#- Exact decimal; never a float. Money in the retail project is type_numeric(18, 3) or wider. -#}
{% macro type_numeric(precision=28, scale=6) %}{{ return(adapter.dispatch('type_numeric')(precision, scale)) }}{% endmacro %}
{% macro default__type_numeric(precision, scale) %}numeric({{ precision }}, {{ scale }}){% endmacro %}

{% macro type_float() %}{{ return(adapter.dispatch('type_float')()) }}{% endmacro %}
{% macro default__type_float() %}double precision{% endmacro %}

{% macro type_timestamp() %}{{ return(adapter.dispatch('type_timestamp')()) }}{% endmacro %}
{% macro default__type_timestamp() %}timestamp{% endmacro %}

{% macro type_date() %}{{ return(adapter.dispatch('type_date')()) }}{% endmacro %}
{% macro default__type_date() %}date{% endmacro %}

{% macro type_boolean() %}{{ return(adapter.dispatch('type_boolean')()) }}{% endmacro %}
{% macro default__type_boolean() %}boolean{% endmacro %}

{#- cast(field, type): type is SQL text, usually from a type_ macro: cast('x', type_int()). -#}
{% macro cast(field, type) %}{{ return(adapter.dispatch('cast')(field, type)) }}{% endmacro %}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}

{#- NULL instead of an error where the value does not convert. PostgreSQL has no try_cast: the
    default accepts what the target type's input syntax accepts via a pattern for numbers and
    falls back to a plain cast (an error) for other types. -#}
{% macro safe_cast(field, type) %}{{ return(adapter.dispatch('safe_cast')(field, type)) }}{% endmacro %}
{% macro default__safe_cast(field, type) -%}
{%- set t = type | lower -%}
{%- if t.startswith('int') or t.startswith('bigint') or t.startswith('smallint') -%}
case when trim(cast({{ field }} as varchar)) ~ '^[+-]?[0-9]+$' then cast(trim(cast({{ field }} as varchar)) as {{ type }}) end
{%- elif t.startswith('numeric') or t.startswith('decimal') or t.startswith('double') or t.startswith('float') or t.startswith('real') -%}
case when trim(cast({{ field }} as varchar)) ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' then cast(trim(cast({{ field }} as varchar)) as {{ type }}) end
{%- else -%}
cast({{ field }} as {{ type }})
{%- endif -%}
{%- endmacro %}
