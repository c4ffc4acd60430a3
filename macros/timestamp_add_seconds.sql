{#
    `column` (a UTC timestamp) moved by `seconds` (an integer expression, negative
    to go back), keeping its fractional seconds. dbt.dateadd on Spark goes through
    to_unix_timestamp, which drops them, so a window boundary would be off by up to
    a second on one engine only; the attribution window must be exact to the second.
#}
{% macro timestamp_add_seconds(column, seconds) -%}
    {{ return(adapter.dispatch('timestamp_add_seconds', 'sms_attribution')(column, seconds)) }}
{%- endmacro %}

{% macro default__timestamp_add_seconds(column, seconds) -%}
    ({{ column }} + to_seconds(cast({{ seconds }} as bigint)))
{%- endmacro %}

{% macro spark__timestamp_add_seconds(column, seconds) -%}
    timestampadd(SECOND, cast({{ seconds }} as bigint), {{ column }})
{%- endmacro %}
