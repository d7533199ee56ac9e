{#- dbt's helpers that packages' tests and materializations call to read a node's config. -#}
{% macro should_store_failures() -%}
    {{ return(config.get('store_failures') or false) }}
{%- endmacro %}

{#- full_refresh in the model's config wins over --full-refresh, as in dbt. -#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {{ return(flags.FULL_REFRESH if configured is none else configured) }}
{%- endmacro %}
