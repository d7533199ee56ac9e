{#- dbt's helpers that packages' tests and materializations call to read a node's config. -#}
{% macro should_store_failures() -%}
    {{ return(config.get('store_failures') or false) }}
{%- endmacro %}

{#- full_refresh in the model's config wins over --full-refresh, as in dbt. -#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {{ return(flags.FULL_REFRESH if configured is none else configured) }}
{%- endmacro %}

{#- dbt's set_sql_header: {% call set_sql_header(config) %} statements {% endcall %} records them as the model's
    sql_header, which runs before the model's statement, in the same session. -#}
{% macro set_sql_header(config) -%}
    {{ config.set('sql_header', caller()) }}
{%- endmacro %}
