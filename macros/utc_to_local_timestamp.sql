{#
    A UTC timestamp as the wall-clock time in IANA zone `timezone_column`
    ('America/New_York'): the local-time columns of the marts, for questions about
    a person's clock (the hour a subscriber received a message). DuckDB's
    timezone(zone, timestamp) reads a plain timestamp as local time, so the value is
    made a UTC timestamptz first; Spark has from_utc_timestamp.
#}
{% macro utc_to_local_timestamp(column, timezone_column) -%}
    {{ return(adapter.dispatch('utc_to_local_timestamp', 'sms_attribution')(column, timezone_column)) }}
{%- endmacro %}

{% macro default__utc_to_local_timestamp(column, timezone_column) -%}
    timezone({{ timezone_column }}, timezone('UTC', {{ column }}))
{%- endmacro %}

{% macro spark__utc_to_local_timestamp(column, timezone_column) -%}
    from_utc_timestamp({{ column }}, {{ timezone_column }})
{%- endmacro %}
