{#- Generic data tests shipped with xform. Each selects the rows that fail; a project macro or
    test of the same name overrides it. -#}

{% test not_null(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
{% endtest %}

{% test unique(model, column_name) %}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endtest %}

{% test accepted_values(model, column_name, values, quote=true) %}
with all_values as (
    select {{ column_name }} as value_field, count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select *
from all_values
where value_field not in (
    {%- for value in values -%}
        {%- if quote -%}'{{ value | replace("'", "''") }}'{%- else -%}{{ value }}{%- endif -%}
        {%- if not loop.last -%}, {% endif -%}
    {%- endfor -%}
)
{% endtest %}

{% test relationships(model, column_name, to, field) %}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select from_field
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
{% endtest %}

{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
select *
from {{ model }}
where 1 = 2
{%- if min_value is not none %}
    or not ({{ column_name }} {{ '>=' if inclusive else '>' }} {{ min_value }})
{%- endif %}
{%- if max_value is not none %}
    or not ({{ column_name }} {{ '<=' if inclusive else '<' }} {{ max_value }})
{%- endif %}
{% endtest %}

{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not ({% if column_name is not none %}{{ column_name }} {% endif %}{{ expression }})
{% endtest %}

{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test not_empty(model) %}
select 'no rows' as problem
where not exists (select 1 from {{ model }})
{% endtest %}

{% test at_least_one(model, column_name) %}
select 'no non-null value in {{ column_name }}' as problem
where not exists (select 1 from {{ model }} where {{ column_name }} is not null)
{% endtest %}

{% test recency(model, field, datepart, interval) %}
select max({{ field }}) as most_recent
from {{ model }}
having max({{ field }}) is null
    or max({{ field }}) < current_timestamp - interval '{{ interval }} {{ datepart }}'
{% endtest %}

{% test equal_rowcount(model, compare_model) %}
select a.n as model_rows, b.n as compare_rows
from (select count(*) as n from {{ model }}) as a
cross join (select count(*) as n from {{ compare_model }}) as b
where a.n <> b.n
{% endtest %}

{#- dbt's hook for a test's `where` config: the relation narrowed to the rows the test reads. xform builds the same
    subquery itself unless a project or package overrides this macro (or its default__/adapter__ candidates). -#}
{% macro get_where_subquery(relation) -%}
{{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}

{% macro default__get_where_subquery(relation) -%}
{%- set where = config.get('where', '') -%}
{%- if where -%}
{{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
{%- else -%}
{{ return(relation) }}
{%- endif -%}
{%- endmacro %}
