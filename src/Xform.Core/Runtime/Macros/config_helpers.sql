{#- dbt's helpers that packages' tests and materializations call to read a node's config. -#}
{% macro should_store_failures() -%}
    {{ return(config.get('store_failures') or false) }}
{%- endmacro %}

{% macro should_full_refresh() -%}
    {{ return(config.get('full_refresh') or false) }}
{%- endmacro %}
