{#- DuckDB variants of xform's cross-database macros (the default__ versions, PostgreSQL SQL, live in
    Xform.Core/Runtime/Macros). Only where DuckDB differs or has a faster native form. -#}

{% macro duckdb__datediff(start, end, datepart) -%}
{%- set part = datepart | lower -%}
{%- if part in ['year', 'quarter', 'month', 'day', 'hour', 'minute', 'second'] -%}
cast(date_diff('{{ part }}', cast({{ start }} as timestamp), cast({{ end }} as timestamp)) as bigint)
{%- else -%}
{{ default__datediff(start, end, datepart) }}
{%- endif -%}
{%- endmacro %}

{% macro duckdb__safe_cast(field, type) -%}
try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro duckdb__any_value(expression) -%}
any_value({{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_cont(field, fraction) -%}
quantile_cont(cast({{ field }} as double), {{ fraction }})
{%- endmacro %}

{% macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string(list_slice(array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}), 1, {{ limit_num }}), {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}

{#- DuckDB's generate_series in a select list returns a list: unnest it. -#}
{% macro duckdb__date_spine(datepart, start_date, end_date) -%}
select cast(spine_value as date) as date_{{ datepart }}
from (
    select unnest(generate_series(
        cast({{ start_date }} as timestamp),
        cast({{ end_date }} as timestamp) - interval '1 {{ datepart }}',
        interval '1 {{ datepart }}'
    )) as spine_value
) as date_spine_series
{%- endmacro %}

{% macro duckdb__generate_series(upper_bound) -%}
select cast(generated_number as bigint) as generated_number
from (select unnest(generate_series(1, {{ upper_bound }})) as generated_number) as series
{%- endmacro %}
