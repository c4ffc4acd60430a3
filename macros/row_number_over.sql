{#
    The one row_number() window of the project, for "keep one row per key" and
    "number the rows of a key", with an explicit null placement on every ordering
    term so that both engines keep the same row.

    DuckDB sorts nulls last in both directions; Spark sorts them first when
    ascending and last when descending. A term without `nulls first` / `nulls last`
    gets `nulls last` here (DuckDB's behaviour, which the models were written
    against).

    landed: the landing-position tie-break, the rule that settles which copy of a
    record wins when the record itself does not:
    - 'first': first landed wins (_delivery_date, _file_path, _line_number);
    - 'last': latest landed wins (the same, descending);
    either way a file outside a day folder (null _delivery_date) ranks after every
    file in one, so it never wins over a delivered copy.

    partition_by and order_by are lists of SQL expressions (a string is one
    expression); order terms may carry `asc` / `desc`. Callers keep rank 1 in a
    later CTE (Spark 3.5 has neither QUALIFY nor SELECT * EXCEPT).
#}
{% macro row_number_over(partition_by, order_by=[], landed=none) -%}
    {%- set partitions = [partition_by] if partition_by is string else partition_by -%}
    {%- set orders = ([order_by] if order_by is string else order_by) | list -%}
    {%- if landed == 'first' -%}
        {%- set orders = orders + ['_delivery_date', '_file_path', '_line_number'] -%}
    {%- elif landed == 'last' -%}
        {%- set orders = orders + ['_delivery_date desc', '_file_path desc', '_line_number desc'] -%}
    {%- elif landed is not none -%}
        {{ exceptions.raise_compiler_error("row_number_over: landed must be 'first' or 'last', not " ~ landed) }}
    {%- endif -%}
    {%- if not orders -%}
        {{ exceptions.raise_compiler_error("row_number_over: give order_by or landed, or the kept row is arbitrary") }}
    {%- endif -%}
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
