{#- dbt's statement block: {% call statement('name', fetch_result=True) %} sql {% endcall %}, then load_result('name').
    Runs only when execute is true (never while parsing). -#}
{% macro statement(name=none, fetch_result=false, auto_begin=true, language='sql') -%}
    {%- if execute -%}
        {%- set _ = __xform_statement(caller(), name, fetch_result) -%}
    {%- endif -%}
{%- endmacro %}
