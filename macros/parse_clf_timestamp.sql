{#
    A web-server access-log timestamp (Common Log Format, '03/Nov/2026:15:01:10 +0000'),
    as some redirect servers write `requested_at`, to a UTC timestamp; null when the
    text does not parse.
#}
{% macro parse_clf_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_clf_timestamp', 'sms_attribution')(column)) }}
{%- endmacro %}

{% macro default__parse_clf_timestamp(column) -%}
    cast(timezone('UTC', try_strptime(trim({{ column }}), '%d/%b/%Y:%H:%M:%S %z')) as timestamp)
{%- endmacro %}

{% macro spark__parse_clf_timestamp(column) -%}
    to_timestamp(trim({{ column }}), 'dd/MMM/yyyy:HH:mm:ss Z')
{%- endmacro %}
