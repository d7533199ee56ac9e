{#- Date and time: dbt's cross-database macros, with dbt's names and signatures, dispatched in the dbt
    namespace. The default__ versions are dbt-adapters' (Snowflake uses them); DuckDB and PostgreSQL have
    their own in their adapter's Macros/ folder, as dbt-duckdb and dbt-postgres do. -#}

{#- Datepart boundaries crossed from first_date to second_date. -#}
{% macro datediff(first_date, second_date, datepart) %}{{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}{% endmacro %}
{% macro default__datediff(first_date, second_date, datepart) -%}
datediff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro %}

{#- from_date_or_timestamp plus interval dateparts (interval may be negative or an expression). -#}
{% macro dateadd(datepart, interval, from_date_or_timestamp) %}{{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}{% endmacro %}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- The start of the datepart that contains date. -#}
{% macro date_trunc(datepart, date) %}{{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}{% endmacro %}
{% macro default__date_trunc(datepart, date) -%}
date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{#- The last day of the datepart (month, quarter, year, week) that contains date, as a date. -#}
{% macro last_day(date, datepart) %}{{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}{% endmacro %}
{%- macro default_last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro -%}
{% macro default__last_day(date, datepart) -%}
{{ dbt.default_last_day(date, datepart) }}
{%- endmacro %}

{#- dbt.date(2024, 2, 29): a date from three integers, checked when the template renders as Python's
    datetime.date checks them (dbt builds one with modules.datetime, which xform's templates do not have). -#}
{% macro date(year, month, day) %}{{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}{% endmacro %}
{% macro default__date(year, month, day) -%}
{%- if year is not integer or month is not integer or day is not integer -%}
{{ exceptions.raise_compiler_error("date(): year, month and day must be integers, not " ~ year ~ ", " ~ month ~ ", " ~ day) }}
{%- endif -%}
{%- if year < 1 or year > 9999 -%}{{ exceptions.raise_compiler_error("date(): year " ~ year ~ " is out of range") }}{%- endif -%}
{%- if month < 1 or month > 12 -%}{{ exceptions.raise_compiler_error("date(): month must be in 1..12") }}{%- endif -%}
{%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
{%- set days_in_month = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] -%}
{%- if day < 1 or day > days_in_month -%}{{ exceptions.raise_compiler_error("date(): day is out of range for month") }}{%- endif -%}
to_date('{{ (year | string).zfill(4) }}-{{ (month | string).zfill(2) }}-{{ (day | string).zfill(2) }}', 'YYYY-MM-DD')
{%- endmacro %}

{#- The time now. dbt has no default: each adapter has its own. -#}
{%- macro current_timestamp() -%}{{ adapter.dispatch('current_timestamp', 'dbt')() }}{%- endmacro -%}
{% macro default__current_timestamp() -%}
{{ exceptions.raise_compiler_error("current_timestamp macro not implemented for adapter " ~ target.type) }}
{%- endmacro %}

{#- dbt's deprecated variants, kept for projects that used dbt_utils.current_timestamp(). -#}
{% macro current_timestamp_backcompat() %}{{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}{% endmacro %}
{% macro default__current_timestamp_backcompat() %}current_timestamp::timestamp{% endmacro %}

{% macro current_timestamp_in_utc_backcompat() %}{{ return(adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')()) }}{% endmacro %}
{% macro default__current_timestamp_in_utc_backcompat() %}{{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}{% endmacro %}

{#- The smallest n with upper_bound <= 2^n (at least 1). -#}
{% macro get_powers_of_two(upper_bound) %}{{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}{% endmacro %}
{% macro default__get_powers_of_two(upper_bound) -%}
{%- if upper_bound <= 0 -%}{{ exceptions.raise_compiler_error("upper bound must be positive") }}{%- endif -%}
{%- for _ in range(1, 100) -%}
{%- if upper_bound <= 2 ** loop.index -%}{{ return(loop.index) }}{%- endif -%}
{%- endfor -%}
{%- endmacro %}

{#- Rows generated_number = 1 .. upper_bound. dbt's default takes a number and cross-joins powers of two. xform
    also takes a SQL expression (what get_intervals_between returns here): DuckDB's generate_series takes one as
    it is; the PostgreSQL and Snowflake versions use the engine's own series for an expression. -#}
{% macro generate_series(upper_bound) %}{{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}{% endmacro %}
{% macro default__generate_series(upper_bound) -%}
{%- set n = dbt.get_powers_of_two(upper_bound) -%}
with p as (
    select 0 as generated_number union all select 1
), unioned as (
    select
    {% for i in range(n) %}p{{ i }}.generated_number * power(2, {{ i }}){% if not loop.last %} + {% endif %}{% endfor %} + 1 as generated_number
    from {% for i in range(n) %}p as p{{ i }}{% if not loop.last %} cross join {% endif %}{% endfor %}
)
select *
from unioned
where generated_number <= {{ upper_bound }}
order by generated_number
{%- endmacro %}

{#- The number of dateparts from start_date to end_date. dbt runs `select datediff(...)` when the template
    renders and returns the number; xform's templates run no queries, so this returns that expression, in
    parentheses, for the engine to evaluate where it is used (generate_series takes it). -#}
{% macro get_intervals_between(start_date, end_date, datepart) %}{{ return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) }}{% endmacro %}
{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
{{ return('(' ~ (dbt.datediff(start_date, end_date, datepart) | trim) ~ ')') }}
{%- endmacro %}

{#- Rows date_<datepart> = start_date + 0, 1, ... dateparts while before end_date (dbt's shape: the value is what
    dateadd gives, a timestamp on DuckDB and PostgreSQL). start_date and end_date are SQL expressions. -#}
{% macro date_spine(datepart, start_date, end_date) %}{{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}{% endmacro %}
{% macro default__date_spine(datepart, start_date, end_date) -%}
with rawdata as (
    {{ dbt.generate_series(dbt.get_intervals_between(start_date, end_date, datepart)) }}
),

all_periods as (
    select ({{ dbt.dateadd(datepart, "row_number() over (order by 1) - 1", start_date) }}) as date_{{ datepart }}
    from rawdata
),

filtered as (
    select *
    from all_periods
    where date_{{ datepart }} <= {{ end_date }}
)

select * from filtered
{%- endmacro %}
