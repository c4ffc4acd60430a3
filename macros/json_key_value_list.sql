{#
    Parses the JSON array of key/value objects at `array_path` (GA4's
    event_params: [{"key": ..., "value": {"string_value": ..., "int_value": ...}}])
    once, into a list of structs `key` and `value` (a struct of `value_fields`, each
    read as a string: a number keeps its text). key_value_lookup then reads one key
    without parsing the JSON again (json_array_find parses it on every call).
    Lenient: an element or field of another shape reads as null.
#}
{% macro json_key_value_list(column, array_path, value_fields) -%}
    {{ return(adapter.dispatch('json_key_value_list', 'sms_attribution')(column, array_path, value_fields)) }}
{%- endmacro %}

{% macro default__json_key_value_list(column, array_path, value_fields) -%}
    json_transform(
        json_extract({{ column }}, '{{ array_path }}'),
        '[{"key": "VARCHAR", "value": {
        {%- for field in value_fields %}"{{ field }}": "VARCHAR"{{ ", " if not loop.last }}{% endfor -%}
        }}]'
    )
{%- endmacro %}

{% macro spark__json_key_value_list(column, array_path, value_fields) -%}
    from_json(
        get_json_object({{ column }}, '{{ array_path }}'),
        'array<struct<key:string,value:struct<
        {%- for field in value_fields %}{{ field }}:string{{ "," if not loop.last }}{% endfor -%}
        >>>'
    )
{%- endmacro %}
