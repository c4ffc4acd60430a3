{#
    Schemas are named exactly as ../shared/CONTRACT.md names them (`staging`,
    `reporting`, ...), on every target: a folder's `+schema` is used as it is, not
    appended to the target schema as dbt's default does (`main_staging`).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
