{#
    The sum of `value_path` over the elements of the JSON array at `array_path`,
    as decimal(18, 4); null when the array is absent or empty, or when any
    element's value is not a number (so a bad amount is seen, not summed as 0).
#}
{% macro json_array_sum(column, array_path, value_path) -%}
    {{ return(adapter.dispatch('json_array_sum', 'sms_attribution')(column, array_path, value_path)) }}
{%- endmacro %}

{% macro default__json_array_sum(column, array_path, value_path) -%}
    (
        case
            when len(json_extract({{ column }}, '{{ array_path }}[*]')) > 0
                and list_bool_and(
                    list_transform(
                        json_extract({{ column }}, '{{ array_path }}[*]'),
                        element -> try_cast(json_extract_string(element, '{{ value_path }}') as decimal(18, 4)) is not null
                    )
                )
                then list_sum(
                    list_transform(
                        json_extract({{ column }}, '{{ array_path }}[*]'),
                        element -> try_cast(json_extract_string(element, '{{ value_path }}') as decimal(18, 4))
                    )
                )::decimal(18, 4)
        end
    )
{%- endmacro %}

{% macro spark__json_array_sum(column, array_path, value_path) -%}
    (
        case
            when size(from_json(get_json_object({{ column }}, '{{ array_path }}'), 'array<string>')) > 0
                and forall(
                    from_json(get_json_object({{ column }}, '{{ array_path }}'), 'array<string>'),
                    element -> cast(get_json_object(element, '{{ value_path }}') as decimal(18, 4)) is not null
                )
                then cast(aggregate(
                    from_json(get_json_object({{ column }}, '{{ array_path }}'), 'array<string>'),
                    cast(0 as decimal(18, 4)),
                    (total, element) -> cast(total + cast(get_json_object(element, '{{ value_path }}') as decimal(18, 4)) as decimal(18, 4))
                ) as decimal(18, 4))
        end
    )
{%- endmacro %}
