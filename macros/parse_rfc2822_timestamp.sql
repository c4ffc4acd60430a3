{#
    Twilio's dates are RFC 2822 ('Tue, 03 Nov 2026 15:00:02 +0000'). Returns a UTC
    timestamp, or null when the text does not parse. Spark cannot parse a weekday
    name, so the 'Tue, ' prefix is cut off first on both engines.
#}
{% macro parse_rfc2822_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_rfc2822_timestamp', 'sms_attribution')(column)) }}
{%- endmacro %}

{% macro default__parse_rfc2822_timestamp(column) -%}
    cast(
        timezone('UTC', try_strptime(trim(regexp_replace({{ column }}, '^[A-Za-z]{3},\s*', '')), '%d %b %Y %H:%M:%S %z'))
        as timestamp
    )
{%- endmacro %}

{% macro spark__parse_rfc2822_timestamp(column) -%}
    to_timestamp(trim(regexp_replace({{ column }}, '^[A-Za-z]{3},\\s*', '')), 'dd MMM yyyy HH:mm:ss Z')
{%- endmacro %}
