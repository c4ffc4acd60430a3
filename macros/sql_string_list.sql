{#
    A list of strings (a var, say) as SQL string literals separated by commas, for
    `in (...)`: ['purchase', 'lead'] -> 'purchase', 'lead'. Quotes inside a value are
    doubled.
#}
{% macro sql_string_list(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
