{#
    The value of `path` in a list that json_texts read with the same `paths`, with
    json_text's rules: trimmed, and null where the path is absent, null or blank.
#}
{% macro json_text_at(list_column, paths, path) -%}
    {%- if path not in paths -%}
        {{ exceptions.raise_compiler_error("json_text_at: " ~ path ~ " is not among the paths read") }}
    {%- endif -%}
    {{ return(adapter.dispatch('json_text_at', 'sms_attribution')(list_column, paths.index(path) + 1)) }}
{%- endmacro %}

{% macro default__json_text_at(list_column, position) -%}
    nullif(trim({{ list_column }}[{{ position }}]), '')
{%- endmacro %}

{% macro spark__json_text_at(list_column, position) -%}
    nullif(trim(element_at({{ list_column }}, {{ position }})), '')
{%- endmacro %}
