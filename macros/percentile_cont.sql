{#
    The continuous percentile of a column in a group (linear interpolation between
    the two nearest ranks, exact, not approximated): DuckDB's quantile_cont and
    Spark's percentile compute the same value.
#}
{% macro percentile_cont(column, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'sms_attribution')(column, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_cont(column, fraction) -%}
    percentile({{ column }}, {{ fraction }})
{%- endmacro %}
