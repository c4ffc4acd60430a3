{#
    A UTC timestamp from a count since the Unix epoch: `unit` is 'seconds'
    (affiliate reports) or 'micros' (GA4's event_timestamp). The column may be text;
    null when it is not an integer.
#}
{% macro timestamp_from_epoch(column, unit) -%}
    {{ return(adapter.dispatch('timestamp_from_epoch', 'sms_attribution')(column, unit)) }}
{%- endmacro %}

{% macro default__timestamp_from_epoch(column, unit) -%}
    {%- if unit == 'micros' -%}
        make_timestamp(try_cast({{ column }} as bigint))
    {%- elif unit == 'seconds' -%}
        cast(timezone('UTC', to_timestamp(try_cast({{ column }} as bigint))) as timestamp)
    {%- else -%}
        {{ exceptions.raise_compiler_error("timestamp_from_epoch: unit must be 'seconds' or 'micros', got " ~ unit) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__timestamp_from_epoch(column, unit) -%}
    {%- if unit == 'micros' -%}
        timestamp_micros(cast({{ column }} as bigint))
    {%- elif unit == 'seconds' -%}
        timestamp_seconds(cast({{ column }} as bigint))
    {%- else -%}
        {{ exceptions.raise_compiler_error("timestamp_from_epoch: unit must be 'seconds' or 'micros', got " ~ unit) }}
    {%- endif -%}
{%- endmacro %}
