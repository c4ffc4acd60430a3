{#
    An attribution mart's attributed_revenue_usd, summed per conversion, is the
    conversion's net revenue in USD as core.fct_conversions has it (`conversions`),
    to a relative `tolerance` (at least 1e-6 USD): a lead's 0 stays 0, an unknown
    currency's null stays null on every row. A credited conversion that core does
    not know is returned too.
#}
{% test attributed_revenue_sums_to_conversion_revenue(model, conversions, tolerance=1e-9) %}
with credited as (
    select
        conversion_id,
        sum(attributed_revenue_usd) as attributed_revenue_usd,
        count(attributed_revenue_usd) as rows_with_revenue,
        count(*) as credited_rows
    from {{ model }}
    group by conversion_id
)

select
    credited.conversion_id,
    credited.attributed_revenue_usd,
    conversions.revenue_usd
from credited
left join {{ conversions }} as conversions
    on credited.conversion_id = conversions.conversion_id
where
    conversions.conversion_id is null
    or (conversions.revenue_usd is null and credited.rows_with_revenue > 0)
    or (
        conversions.revenue_usd is not null
        and (
            credited.rows_with_revenue < credited.credited_rows
            or abs(credited.attributed_revenue_usd - conversions.revenue_usd)
            > {{ tolerance }} * abs(conversions.revenue_usd) + 1e-6
        )
    )
{% endtest %}
