{#- Aggregates and string functions. default__ is PostgreSQL SQL. -#}

{#- The continuous percentile (linear interpolation) of field, an aggregate (PostgreSQL allows no window
    form of an ordered-set aggregate: group, then join). Returns a double precision value. -#}
{% macro percentile_cont(field, fraction) %}{{ return(adapter.dispatch('percentile_cont')(field, fraction)) }}{% endmacro %}
{% macro default__percentile_cont(field, fraction) -%}
percentile_cont({{ fraction }}) within group (order by {{ field }})
{%- endmacro %}

{#- Values joined by a delimiter (a SQL string literal), optionally ordered and limited. -#}
{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) %}{{ return(adapter.dispatch('listagg')(measure, delimiter_text, order_by_clause, limit_num)) }}{% endmacro %}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}

{#- Any value of the group (use it where the value is the same on every row of the group). -#}
{% macro any_value(expression) %}{{ return(adapter.dispatch('any_value')(expression)) }}{% endmacro %}
{% macro default__any_value(expression) -%}
min({{ expression }})
{%- endmacro %}

{#- An md5 hex digest of the value's text. -#}
{% macro hash(field) %}{{ return(adapter.dispatch('hash')(field)) }}{% endmacro %}
{% macro default__hash(field) -%}
md5(cast({{ field }} as varchar))
{%- endmacro %}

{#- fields: a list of SQL expressions. NULL when any is NULL (SQL's ||). -#}
{% macro concat(fields) %}{{ return(adapter.dispatch('concat')(fields)) }}{% endmacro %}
{% macro default__concat(fields) -%}
{{ fields | join(' || ') }}
{%- endmacro %}

{#- True when column matches any of the LIKE patterns, case-insensitively. patterns: a list of strings. -#}
{% macro ilike_any(column, patterns) %}{{ return(adapter.dispatch('ilike_any')(column, patterns)) }}{% endmacro %}
{% macro default__ilike_any(column, patterns) -%}
({% for p in patterns %}{{ column }} ilike '{{ p | replace("'", "''") }}'{% if not loop.last %} or {% endif %}{% endfor %})
{%- endmacro %}

{#- The part_number-th field (1-based; negative counts from the end) of string split on delimiter. -#}
{% macro split_part(string_text, delimiter_text, part_number) %}{{ return(adapter.dispatch('split_part')(string_text, delimiter_text, part_number)) }}{% endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}
