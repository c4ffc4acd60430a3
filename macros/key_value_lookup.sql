{#
    The `value_field` of the first element whose key is `key` in a list that
    json_key_value_list parsed; null when no element has that key.
#}
{% macro key_value_lookup(list_column, key, value_field) -%}
    {{ return(adapter.dispatch('key_value_lookup', 'sms_attribution')(list_column, key, value_field)) }}
{%- endmacro %}

{% macro default__key_value_lookup(list_column, key, value_field) -%}
    struct_extract(
        struct_extract(list_filter({{ list_column }}, kv -> kv.key = '{{ key }}')[1], 'value'),
        '{{ value_field }}'
    )
{%- endmacro %}

{% macro spark__key_value_lookup(list_column, key, value_field) -%}
    filter({{ list_column }}, kv -> kv.key = '{{ key }}')[0].value.{{ value_field }}
{%- endmacro %}
