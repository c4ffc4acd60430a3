{#
    The string at a JSONPath of a JSON text column, trimmed; null where the path is
    absent, null or blank (the landing zone's vendors use all three for "no
    value"). Numbers and booleans come back as their JSON text ('129', 'true');
    objects and arrays as JSON text.
#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'sms_attribution')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    nullif(trim(json_extract_string({{ column }}, '{{ path }}')), '')
{%- endmacro %}

{% macro spark__json_text(column, path) -%}
    nullif(trim(get_json_object({{ column }}, '{{ path }}')), '')
{%- endmacro %}
