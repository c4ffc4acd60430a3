{# Replace every match of a regular expression (DuckDB replaces the first only unless told 'g'). #}
{% macro regexp_replace_all(column, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'sms_attribution')(column, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(column, pattern, replacement) -%}
    regexp_replace({{ column }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(column, pattern, replacement) -%}
    regexp_replace({{ column }}, '{{ pattern | replace("\\", "\\\\") }}', '{{ replacement }}')
{%- endmacro %}
