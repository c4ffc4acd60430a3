{#
    `column` cast to `type`, or null when the value does not convert ('12O.00' or
    '1,250.00' as a decimal): the cast for vendors' text fields, where one bad value
    must quarantine its row, not fail the build. dbt.safe_cast is a plain `cast` on
    DuckDB, which raises on the first bad value; Spark's plain cast returns null only
    while ANSI mode is off. Both engines spell it try_cast, so one implementation
    serves both (dispatch stays, for adapters that spell it otherwise).
    One difference stays: a fractional string cast to an integer type rounds on
    DuckDB ('1.5' -> 2) and is null on Spark.
#}
{% macro try_cast(column, type) -%}
    {{ return(adapter.dispatch('try_cast', 'sms_attribution')(column, type)) }}
{%- endmacro %}

{% macro default__try_cast(column, type) -%}
    try_cast({{ column }} as {{ type }})
{%- endmacro %}
