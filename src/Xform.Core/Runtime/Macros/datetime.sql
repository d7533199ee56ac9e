{#- Date and time macros. The default__ versions are PostgreSQL SQL (no datediff function, no
    QUALIFY); engines that differ ship their own <engine>__ variants in their adapter. -#}

{#- Whole datepart boundaries crossed from start to end, dbt's signature and semantics:
    datediff('2011-01-01 23:59', '2011-01-02 00:01', 'day') = 1, as a bigint. Parts: year, quarter, month, week, day, hour, minute, second. -#}
{% macro datediff(start, end, datepart) %}{{ return(adapter.dispatch('datediff')(start, end, datepart)) }}{% endmacro %}

{% macro default__datediff(start, end, datepart) -%}
{%- set part = datepart | lower -%}
{%- if part == 'day' -%}
cast((cast({{ end }} as date) - cast({{ start }} as date)) as bigint)
{%- elif part == 'week' -%}
cast(floor((cast({{ end }} as date) - cast({{ start }} as date) + extract(isodow from cast({{ start }} as date)) - 1) / 7.0) as bigint)
{%- elif part == 'month' -%}
cast(((extract(year from cast({{ end }} as date)) - extract(year from cast({{ start }} as date))) * 12
    + extract(month from cast({{ end }} as date)) - extract(month from cast({{ start }} as date))) as bigint)
{%- elif part == 'quarter' -%}
cast(((extract(year from cast({{ end }} as date)) - extract(year from cast({{ start }} as date))) * 4
    + extract(quarter from cast({{ end }} as date)) - extract(quarter from cast({{ start }} as date))) as bigint)
{%- elif part == 'year' -%}
cast((extract(year from cast({{ end }} as date)) - extract(year from cast({{ start }} as date))) as bigint)
{%- elif part == 'hour' -%}
cast(floor(extract(epoch from date_trunc('hour', cast({{ end }} as timestamp)) - date_trunc('hour', cast({{ start }} as timestamp))) / 3600) as bigint)
{%- elif part == 'minute' -%}
cast(floor(extract(epoch from date_trunc('minute', cast({{ end }} as timestamp)) - date_trunc('minute', cast({{ start }} as timestamp))) / 60) as bigint)
{%- elif part == 'second' -%}
cast(floor(extract(epoch from date_trunc('second', cast({{ end }} as timestamp)) - date_trunc('second', cast({{ start }} as timestamp)))) as bigint)
{%- else -%}
{{ exceptions.raise_compiler_error("datediff: unsupported datepart '" ~ datepart ~ "' (year, quarter, month, week, day, hour, minute, second)") }}
{%- endif -%}
{%- endmacro %}

{#- from_date_or_timestamp plus interval dateparts (interval may be negative or an expression). -#}
{% macro dateadd(datepart, interval, from_date_or_timestamp) %}{{ return(adapter.dispatch('dateadd')(datepart, interval, from_date_or_timestamp)) }}{% endmacro %}

{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
({{ from_date_or_timestamp }} + (({{ interval }}) * interval '1 {{ datepart }}'))
{%- endmacro %}

{#- The start of the datepart that contains the value (a timestamp). -#}
{% macro date_trunc(datepart, date) %}{{ return(adapter.dispatch('date_trunc')(datepart, date)) }}{% endmacro %}

{% macro default__date_trunc(datepart, date) -%}
date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{#- The time the statement started. -#}
{% macro current_timestamp() %}{{ return(adapter.dispatch('current_timestamp')()) }}{% endmacro %}

{% macro default__current_timestamp() -%}
current_timestamp
{%- endmacro %}

{#- Rows date_<datepart> from start_date (included) to end_date (excluded), like dbt_utils.date_spine.
    start_date and end_date are SQL expressions (literals, casts or scalar subqueries). -#}
{% macro date_spine(datepart, start_date, end_date) %}{{ return(adapter.dispatch('date_spine')(datepart, start_date, end_date)) }}{% endmacro %}

{% macro default__date_spine(datepart, start_date, end_date) -%}
select cast(spine_value as date) as date_{{ datepart }}
from (
    select generate_series(
        cast({{ start_date }} as timestamp),
        cast({{ end_date }} as timestamp) - interval '1 {{ datepart }}',
        interval '1 {{ datepart }}'
    ) as spine_value
) as date_spine_series
{%- endmacro %}

{#- Rows generated_number = 1 .. upper_bound (a SQL expression). -#}
{% macro generate_series(upper_bound) %}{{ return(adapter.dispatch('generate_series')(upper_bound)) }}{% endmacro %}

{% macro default__generate_series(upper_bound) -%}
select cast(generated_number as bigint) as generated_number
from (select generate_series(1, {{ upper_bound }}) as generated_number) as series
{%- endmacro %}
