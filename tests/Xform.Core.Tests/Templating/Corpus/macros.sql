=== cents_to_dollars
{% macro cents_to_dollars(column_name, scale=2) -%}
    ({{ column_name }} / 100)::numeric(16, {{ scale }})
{%- endmacro %}
=== greet
{% macro greet(who, greeting='hello', punct='!') %}{{ greeting }}, {{ who }}{{ punct }}{% endmacro %}
=== list_of
{% macro list_of(n) %}{% set out = [] %}{% for i in range(n) %}{% do out.append(i * i) %}{% endfor %}{{ return(out) }}{% endmacro %}
=== dict_of
{% macro dict_of(k, v) %}{{ return({k: v, 'extra': [1, 2]}) }}{% endmacro %}
=== str_ret
{% macro str_ret() %}ignored text{{ return('returned') }}more ignored{% endmacro %}
=== num_ret
{% macro num_ret(x) %}{% if x > 10 %}{{ return(x * 2) }}{% endif %}{{ return(x) }}{% endmacro %}
=== wrap_box
{% macro wrap_box(tag='b') %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}
=== each_col
{% macro each_col(columns) %}{% for c in columns %}{{ caller(c, loop.index) }}{% if not loop.last %}, {% endif %}{% endfor %}{% endmacro %}
=== default__safe_cast
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
=== duckdb__safe_cast
{% macro duckdb__safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}
=== safe_cast
{% macro safe_cast(field, type) %}{{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}{% endmacro %}
=== default__only_default
{% macro default__only_default(x) %}default:{{ x }}{% endmacro %}
=== uses_other
{% macro uses_other(x) %}{{ greet(x, greeting='hi') }} / {{ cents_to_dollars(x) }}{% endmacro %}
=== recursive_sum
{% macro recursive_sum(n) %}{% if n > 0 %}{{ n }}+{{ recursive_sum(n - 1) }}{% else %}0{% endif %}{% endmacro %}
=== not_null_test
{% test not_null_x(model, column_name) %}select * from {{ model }} where {{ column_name }} is null{% endtest %}
=== ws_macro
{% macro ws_macro(items) -%}
  {%- for i in items %}
    {{ i }}
  {%- endfor %}
{%- endmacro %}
=== with_varargs
{% macro with_varargs(a) %}{{ a }}|{{ varargs | join(',') }}|{{ kwargs | length }}{% endmacro %}
