{#- Snowflake variants of the cross-database macros (dispatched as snowflake__name before default__name,
    whose SQL is PostgreSQL's). Same arguments as the dispatching macros in Xform.Core/Runtime/Macros. -#}

{#- Snowflake's datediff counts datepart boundaries crossed: dbt's semantics already. -#}
{% macro snowflake__datediff(start, end, datepart) -%}
datediff({{ datepart }}, {{ start }}, {{ end }})
{%- endmacro %}

{% macro snowflake__dateadd(datepart, interval, from_date_or_timestamp) -%}
dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{% macro snowflake__current_timestamp() -%}
convert_timezone('UTC', current_timestamp())::timestamp_ntz
{%- endmacro %}

{#- Snowflake has no generate_series: GENERATOR needs a constant row count, so the spine takes
    enough rows for 100,000 dateparts and keeps those before end_date. -#}
{% macro snowflake__date_spine(datepart, start_date, end_date) -%}
select cast(spine_value as date) as date_{{ datepart }}
from (
    select dateadd({{ datepart }}, row_number() over (order by seq4()) - 1, cast({{ start_date }} as timestamp_ntz)) as spine_value
    from table(generator(rowcount => 100000))
) as date_spine_series
where spine_value < cast({{ end_date }} as timestamp_ntz)
{%- endmacro %}

{#- upper_bound must be a constant here (GENERATOR's rowcount). -#}
{% macro snowflake__generate_series(upper_bound) -%}
select row_number() over (order by seq4()) as generated_number
from table(generator(rowcount => {{ upper_bound }}))
{%- endmacro %}

{#- TRY_CAST reads text only: cast to varchar first. -#}
{% macro snowflake__safe_cast(field, type) -%}
try_cast(cast({{ field }} as varchar) as {{ type }})
{%- endmacro %}

{% macro snowflake__any_value(expression) -%}
any_value({{ expression }})
{%- endmacro %}

{% macro snowflake__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string(array_slice(array_agg({{ measure }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}, 0, {{ limit_num }}), {{ delimiter_text }})
{%- else -%}
listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endif -%}
{%- endmacro %}

{% macro snowflake__type_string() %}varchar{% endmacro %}
{% macro snowflake__type_int() %}integer{% endmacro %}
{% macro snowflake__type_bigint() %}bigint{% endmacro %}
{% macro snowflake__type_numeric(precision, scale) %}number({{ precision }}, {{ scale }}){% endmacro %}
{% macro snowflake__type_float() %}float{% endmacro %}
{% macro snowflake__type_timestamp() %}timestamp_ntz{% endmacro %}
