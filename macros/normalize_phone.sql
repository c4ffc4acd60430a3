{#
    A phone number as E.164 ('+14155550123'), or null when it cannot be one.
    Accepts the forms subscribers and shop customers type: '+1 (415) 555-0123',
    '0044 20 7946 0958', and national numbers without a country code
    ('415-555-0123'), which get var('default_phone_country_code') when they have
    the 10 digits of a North American number.
#}
{% macro normalize_phone(column) -%}
    {%- set digits = regexp_replace_all(column, '[^0-9]', '') -%}
    {%- set country = var('default_phone_country_code') -%}
    case
        when trim({{ column }}) like '+%' and length({{ digits }}) between 8 and 15
            then concat('+', {{ digits }})
        when trim({{ column }}) like '00%' and length({{ digits }}) between 10 and 17
            then concat('+', substring({{ digits }}, 3))
        when length({{ digits }}) = 10 and '{{ country }}' = '1'
            then concat('+1', {{ digits }})
        when length({{ digits }}) = 11 and {{ digits }} like '1%' and '{{ country }}' = '1'
            then concat('+', {{ digits }})
    end
{%- endmacro %}
