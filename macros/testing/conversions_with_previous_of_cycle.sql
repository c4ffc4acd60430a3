{#
    For the tests that recompute eligibility from the core facts rather than from
    int_conversion_paths: every conversion of core.fct_conversions with the
    converted_at of its person's previous conversion of the same cycle, found by a
    self-join (not the model's lag window), ties at one instant ordered by
    conversion_id. A select statement, for a CTE.
#}
{% macro conversions_with_previous_of_cycle() -%}
    select
        conversions.conversion_id,
        conversions.person_id,
        conversions.sms_click_id,
        conversions.converted_at,
        max(earlier.converted_at) as previous_converted_at
    from (
        select
            *,
            {{ conversion_cycle('conversion_type') }} as conversion_cycle
        from {{ ref('fct_conversions') }}
    ) as conversions
    left join (
        select
            *,
            {{ conversion_cycle('conversion_type') }} as conversion_cycle
        from {{ ref('fct_conversions') }}
    ) as earlier
        on
            conversions.person_id = earlier.person_id
            and conversions.conversion_cycle = earlier.conversion_cycle
            and (
                earlier.converted_at < conversions.converted_at
                or (
                    earlier.converted_at = conversions.converted_at
                    and earlier.conversion_id < conversions.conversion_id
                )
            )
    group by 1, 2, 3, 4
{%- endmacro %}
