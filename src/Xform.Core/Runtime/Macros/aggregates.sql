{#- Aggregates. dbt's cross-database macros (listagg, any_value, bool_or) have dbt's names and signatures and
    dispatch in the dbt namespace; their default__ versions are dbt-adapters' (Snowflake uses them), the
    DuckDB and PostgreSQL ones live in those adapters. -#}

{#- Not one of dbt's: the continuous percentile (linear interpolation) of field, an aggregate (PostgreSQL allows
    no window form of an ordered-set aggregate: group, then join). Returns a double precision value. -#}
{% macro percentile_cont(field, fraction) %}{{ return(adapter.dispatch('percentile_cont')(field, fraction)) }}{% endmacro %}
{% macro default__percentile_cont(field, fraction) -%}
percentile_cont({{ fraction }}) within group (order by {{ field }})
{%- endmacro %}

{#- Values joined by delimiter_text (a SQL string literal), ordered by order_by_clause ('order by x') and
    limited to the first limit_num values. -#}
{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) %}{{ return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) }}{% endmacro %}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string(array_slice(array_agg({{ measure }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}, 0, {{ limit_num }}), {{ delimiter_text }})
{%- else -%}
listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endif -%}
{%- endmacro %}

{#- Any value of the group (use it where the value is the same on every row of the group). -#}
{% macro any_value(expression) %}{{ return(adapter.dispatch('any_value', 'dbt')(expression)) }}{% endmacro %}
{% macro default__any_value(expression) -%}
any_value({{ expression }})
{%- endmacro %}

{#- True when expression is true on any row of the group. -#}
{% macro bool_or(expression) %}{{ return(adapter.dispatch('bool_or', 'dbt')(expression)) }}{% endmacro %}
{% macro default__bool_or(expression) -%}
bool_or({{ expression }})
{%- endmacro %}
