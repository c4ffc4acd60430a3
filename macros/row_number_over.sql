{#
    One place for "keep one row per key": the row_number() window with an explicit
    null placement on every ordering term, so both engines keep the same row.

    DuckDB sorts nulls last in both directions; Spark sorts them first when
    ascending and last when descending. A term without `nulls first` / `nulls last`
    gets `nulls last` here (DuckDB's behaviour, which the models were written
    against), so `_delivery_date` of a file outside a day folder (null) ranks last
    ascending on both engines.

    row_number_over(partition_by, order_by): the window expression; callers keep
    rank 1 in a later CTE (Spark 3.5 has neither QUALIFY nor SELECT * EXCEPT).

    partition_by and order_by are lists of SQL expressions (a single string is one
    expression); order terms may carry `asc` / `desc`.
#}
{% macro row_number_over(partition_by, order_by) -%}
    {%- set partitions = [partition_by] if partition_by is string else partition_by -%}
    {%- set orders = [order_by] if order_by is string else order_by -%}
    row_number() over (
        partition by {{ partitions | join(', ') }}
        order by {{ sms_attribution.order_terms_with_nulls(orders) }}
    )
{%- endmacro %}

{% macro order_terms_with_nulls(order_by) -%}
    {%- set terms = [] -%}
    {%- for term in order_by -%}
        {%- set lowered = term | trim | lower -%}
        {%- if lowered.endswith(' nulls first') or lowered.endswith(' nulls last') -%}
            {%- do terms.append(term | trim) -%}
        {%- else -%}
            {%- do terms.append((term | trim) ~ ' nulls last') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ terms | join(', ') }}
{%- endmacro %}
