{#- Snowflake variants of the cross-database macros (dispatched as snowflake__name, before default__name). -#}
{% macro snowflake__datediff(datepart, first_date, second_date) -%}
datediff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro %}

{% macro snowflake__dateadd(datepart, interval, from_date_or_timestamp) -%}
dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{% macro snowflake__date_trunc(datepart, date) -%}
date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{% macro snowflake__last_day(date, datepart) -%}
last_day({{ date }}, '{{ datepart }}')
{%- endmacro %}

{% macro snowflake__safe_cast(field, type) -%}
try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro snowflake__current_timestamp() -%}
convert_timezone('UTC', current_timestamp())::timestamp_ntz
{%- endmacro %}

{% macro snowflake__split_part(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}

{% macro snowflake__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}

{% macro snowflake__hash(field) -%}
md5(cast({{ field }} as varchar))
{%- endmacro %}

{% macro snowflake__any_value(expression) -%}
any_value({{ expression }})
{%- endmacro %}

{% macro snowflake__bool_or(expression) -%}
boolor_agg({{ expression }})
{%- endmacro %}

{% macro snowflake__type_string() -%}
varchar
{%- endmacro %}

{% macro snowflake__type_timestamp() -%}
timestamp_ntz
{%- endmacro %}

{% macro snowflake__type_float() -%}
float
{%- endmacro %}

{% macro snowflake__type_int() -%}
integer
{%- endmacro %}

{% macro snowflake__type_numeric() -%}
number(28, 6)
{%- endmacro %}
