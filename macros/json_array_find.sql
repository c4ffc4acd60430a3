{#
    In the JSON array at `array_path`, the first element whose `match_path` equals
    `match_value`; returns that element's `value_path` as a string. For key/value
    arrays such as GA4's event_params or Shopify's note_attributes.
#}
{% macro json_array_find(column, array_path, match_path, match_value, value_path) -%}
    {{ return(adapter.dispatch('json_array_find', 'sms_attribution')(column, array_path, match_path, match_value, value_path)) }}
{%- endmacro %}

{% macro default__json_array_find(column, array_path, match_path, match_value, value_path) -%}
    json_extract_string(
        list_filter(
            json_extract({{ column }}, '{{ array_path }}[*]'),
            element -> json_extract_string(element, '{{ match_path }}') = '{{ match_value }}'
        )[1],
        '{{ value_path }}'
    )
{%- endmacro %}

{% macro spark__json_array_find(column, array_path, match_path, match_value, value_path) -%}
    get_json_object(
        filter(
            from_json(get_json_object({{ column }}, '{{ array_path }}'), 'array<string>'),
            element -> get_json_object(element, '{{ match_path }}') = '{{ match_value }}'
        )[0],
        '{{ value_path }}'
    )
{%- endmacro %}
