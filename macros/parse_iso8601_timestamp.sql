{#
    ISO 8601 text ('2026-11-03T15:00:01.123Z', '2026-11-03T10:20:00-05:00',
    '2026-11-03 15:00:01') to a UTC timestamp; text without an offset is taken as
    UTC. Null when it does not parse.
#}
{% macro parse_iso8601_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_iso8601_timestamp', 'sms_attribution')(column)) }}
{%- endmacro %}

{% macro default__parse_iso8601_timestamp(column) -%}
    cast(timezone('UTC', try_cast(trim({{ column }}) as timestamptz)) as timestamp)
{%- endmacro %}

{% macro spark__parse_iso8601_timestamp(column) -%}
    to_timestamp(trim({{ column }}))
{%- endmacro %}
