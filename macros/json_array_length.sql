{#
    The number of elements of the JSON array at `path` (a JSONPath such as
    '$.body.line_items'); null when the path is absent or holds something other
    than an array (a JSON null included), so "no array" and "empty array" (0) differ.
#}
{% macro json_array_length(column, path) -%}
    {{ return(adapter.dispatch('json_array_length', 'sms_attribution')(column, path)) }}
{%- endmacro %}

{% macro default__json_array_length(column, path) -%}
    case
        when json_type({{ column }}, '{{ path }}') = 'ARRAY'
            then json_array_length({{ column }}, '{{ path }}')
    end
{%- endmacro %}

{% macro spark__json_array_length(column, path) -%}
    json_array_length(get_json_object({{ column }}, '{{ path }}'))
{%- endmacro %}
