{#- Snowflake versions of dbt's cross-database macros: dbt-snowflake's snowflake__ overrides, the same SQL
    (dispatched before default__, dbt-adapters' own SQL, which is Snowflake's for datediff, dateadd, listagg,
    split_part, the types and the rest). A project's default__ or snowflake__ macro of the same name still wins. -#}

{#- Now, in UTC (a TIMESTAMP_TZ). -#}
{% macro snowflake__current_timestamp() -%}
convert_timezone('UTC', current_timestamp())
{%- endmacro %}

{% macro snowflake__current_timestamp_backcompat() -%}
current_timestamp::{{ type_timestamp() }}
{%- endmacro %}

{% macro snowflake__current_timestamp_in_utc_backcompat() -%}
convert_timezone('UTC', {{ snowflake__current_timestamp_backcompat() }})::{{ type_timestamp() }}
{%- endmacro %}

{% macro snowflake__array_construct(inputs, data_type) -%}
array_construct( {{ inputs | join(' , ') }} )
{%- endmacro %}

{% macro snowflake__bool_or(expression) -%}
boolor_agg({{ expression }})
{%- endmacro %}

{% macro snowflake__cast(field, type) -%}
{%- if type | upper == 'GEOGRAPHY' -%}
to_geography({{ field }})
{%- elif type | upper == 'GEOMETRY' -%}
to_geometry({{ field }})
{%- else -%}
cast({{ field }} as {{ type }})
{%- endif -%}
{%- endmacro %}

{#- TRY_CAST reads text: a number given as a template value is quoted first. VARIANT has no TRY_CAST. -#}
{% macro snowflake__safe_cast(field, type) -%}
{%- if type | upper == 'GEOMETRY' -%}
try_to_geometry({{ field }})
{%- elif type | upper == 'GEOGRAPHY' -%}
try_to_geography({{ field }})
{%- elif type | upper != 'VARIANT' -%}
{%- set field_as_string = dbt.string_literal(field) if field is number else field -%}
try_cast({{ field_as_string }} as {{ type }})
{%- else -%}
{{ adapter.dispatch('cast', 'dbt')(field, type) }}
{%- endif -%}
{%- endmacro %}

{#- Snowflake string literals take backslash escapes: they're -> they\'re. -#}
{% macro snowflake__escape_single_quotes(expression) -%}
{{ expression | replace("'", "\\'") }}
{%- endmacro %}

{% macro snowflake__right(string_text, length_expression) -%}
case when {{ length_expression }} = 0
    then ''
else
    right({{ string_text }}, {{ length_expression }})
end
{%- endmacro %}

{#- Not in dbt-snowflake (which uses default__, for a number). xform's get_intervals_between gives a SQL
    expression, and GENERATOR takes only a constant row count: the numbers come from an array instead. -#}
{% macro snowflake__generate_series(upper_bound) -%}
{%- if upper_bound is number -%}
{{ dbt.default__generate_series(upper_bound) }}
{%- else -%}
select cast(value as integer) as generated_number
from table(flatten(input => array_generate_range(1, ({{ upper_bound }}) + 1)))
{%- endif -%}
{%- endmacro %}
