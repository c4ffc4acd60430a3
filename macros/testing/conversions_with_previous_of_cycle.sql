{#
    For the tests that recompute eligibility from the core facts rather than from
    int_conversion_paths: every conversion of core.fct_conversions with the
    converted_at of its person's previous conversion of the same cycle, found by a
    self-join (not the model's lag window), ties at one instant ordered by
    conversion_id. A select statement, for a CTE.
    The self-join is an inner join on person and cycle with the ordering in its
    WHERE clause, joined back to every conversion afterwards: written as one left
    join with `earlier before later` in the ON clause, DuckDB planned it as a nested
    loop (643,128 x 643,128 conversions at the large preset, for hours).
#}
{% macro conversions_with_previous_of_cycle() -%}
    select
        conversions.conversion_id,
        conversions.person_id,
        conversions.sms_click_id,
        conversions.converted_at,
        previous_of_cycle.previous_converted_at
    from {{ ref('fct_conversions') }} as conversions
    left join (
        select
            later.conversion_id,
            max(earlier.converted_at) as previous_converted_at
        from (
            select
                conversion_id,
                person_id,
                converted_at,
                {{ conversion_cycle('conversion_type') }} as conversion_cycle
            from {{ ref('fct_conversions') }}
        ) as later
        inner join (
            select
                conversion_id,
                person_id,
                converted_at,
                {{ conversion_cycle('conversion_type') }} as conversion_cycle
            from {{ ref('fct_conversions') }}
        ) as earlier
            on
                later.person_id = earlier.person_id
                and later.conversion_cycle = earlier.conversion_cycle
        where
            earlier.converted_at < later.converted_at
            or (earlier.converted_at = later.converted_at and earlier.conversion_id < later.conversion_id)
        group by 1
    ) as previous_of_cycle
        on conversions.conversion_id = previous_of_cycle.conversion_id
{%- endmacro %}
