{#- Strings, arrays, comparison and set operators: dbt's cross-database macros, with dbt's names and
    signatures, dispatched in the dbt namespace. The default__ versions are dbt-adapters'; engines that differ
    have theirs in their adapter's Macros/ folder. Arguments are SQL text, put in as written, except where
    a macro says otherwise (a list of expressions; template text to quote). -#}

{#- fields: a list of SQL expressions. NULL when any is NULL (SQL's ||). -#}
{% macro concat(fields) %}{{ return(adapter.dispatch('concat', 'dbt')(fields)) }}{% endmacro %}
{% macro default__concat(fields) -%}
{{ fields | join(' || ') }}
{%- endmacro %}

{#- An md5 hex digest of the value as text. -#}
{% macro hash(field) %}{{ return(adapter.dispatch('hash', 'dbt')(field)) }}{% endmacro %}
{% macro default__hash(field) -%}
md5(cast({{ field }} as TEXT))
{%- endmacro %}

{#- The part_number-th field (1-based) of string_text split on delimiter_text; how a negative part_number
    counts from the end is each engine's (PostgreSQL: _split_part_negative below). -#}
{% macro split_part(string_text, delimiter_text, part_number) %}{{ return(adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number)) }}{% endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}

{#- dbt's field number for a negative part_number: the count of delimiters (by the length the delimiter
    removes, so right for a one-character delimiter) + 2 + part_number. -#}
{% macro _split_part_negative(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, length({{ string_text }}) - length(replace({{ string_text }}, {{ delimiter_text }}, '')) + 2 + {{ part_number }})
{%- endmacro %}

{#- The 1-based position of substring_text in string_text, 0 when absent. -#}
{% macro position(substring_text, string_text) %}{{ return(adapter.dispatch('position', 'dbt')(substring_text, string_text)) }}{% endmacro %}
{% macro default__position(substring_text, string_text) -%}
position({{ substring_text }} in {{ string_text }})
{%- endmacro %}

{% macro replace(field, old_chars, new_chars) %}{{ return(adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars)) }}{% endmacro %}
{% macro default__replace(field, old_chars, new_chars) -%}
replace({{ field }}, {{ old_chars }}, {{ new_chars }})
{%- endmacro %}

{#- The last length_expression characters of string_text. -#}
{% macro right(string_text, length_expression) %}{{ return(adapter.dispatch('right', 'dbt')(string_text, length_expression)) }}{% endmacro %}
{% macro default__right(string_text, length_expression) -%}
right({{ string_text }}, {{ length_expression }})
{%- endmacro %}

{% macro length(expression) %}{{ return(adapter.dispatch('length', 'dbt')(expression)) }}{% endmacro %}
{% macro default__length(expression) -%}
length({{ expression }})
{%- endmacro %}

{#- value (template text) in single quotes, as it is: escape it first with escape_single_quotes. -#}
{% macro string_literal(value) %}{{ return(adapter.dispatch('string_literal', 'dbt')(value)) }}{% endmacro %}
{% macro default__string_literal(value) -%}
'{{ value }}'
{%- endmacro %}

{#- expression (template text) with each single quote escaped for a string literal: they're -> they''re. -#}
{% macro escape_single_quotes(expression) %}{{ return(adapter.dispatch('escape_single_quotes', 'dbt')(expression)) }}{% endmacro %}
{% macro default__escape_single_quotes(expression) -%}
{{ expression | replace("'", "''") }}
{%- endmacro %}

{#- expr1 = expr2. dbt's behaviour flag enable_truthy_nulls_equals_macro (two NULLs equal) is not read by xform:
    this is dbt's default, the flag off. -#}
{% macro equals(expr1, expr2) %}{{ return(adapter.dispatch('equals', 'dbt')(expr1, expr2)) }}{% endmacro %}
{% macro default__equals(expr1, expr2) -%}
({{ expr1 }} = {{ expr2 }})
{%- endmacro %}

{#- The set operators between two selects. -#}
{% macro except() %}{{ return(adapter.dispatch('except', 'dbt')()) }}{% endmacro %}
{% macro default__except() %}except{% endmacro %}

{% macro intersect() %}{{ return(adapter.dispatch('intersect', 'dbt')()) }}{% endmacro %}
{% macro default__intersect() %}intersect{% endmacro %}

{#- Arrays. new_element must have the type of the array's elements, as on PostgreSQL. -#}
{% macro array_append(array, new_element) %}{{ return(adapter.dispatch('array_append', 'dbt')(array, new_element)) }}{% endmacro %}
{% macro default__array_append(array, new_element) -%}
array_append({{ array }}, {{ new_element }})
{%- endmacro %}

{% macro array_concat(array_1, array_2) %}{{ return(adapter.dispatch('array_concat', 'dbt')(array_1, array_2)) }}{% endmacro %}
{% macro default__array_concat(array_1, array_2) -%}
array_cat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}

{#- inputs: a list of SQL expressions of one type; data_type: the element type of an empty array (dbt's
    default is translate_type('integer'), 'integer'). -#}
{% macro array_construct(inputs=[], data_type='integer') %}{{ return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) }}{% endmacro %}
{% macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}
array[ {{ inputs | join(' , ') }} ]
{%- else -%}
array[]::{{ data_type }}[]
{%- endif -%}
{%- endmacro %}

{#- Not one of dbt's: true when column matches any of the LIKE patterns (a list of strings), case-insensitively. -#}
{% macro ilike_any(column, patterns) %}{{ return(adapter.dispatch('ilike_any')(column, patterns)) }}{% endmacro %}
{% macro default__ilike_any(column, patterns) -%}
({% for p in patterns %}{{ column }} ilike '{{ p | replace("'", "''") }}'{% if not loop.last %} or {% endif %}{% endfor %})
{%- endmacro %}
