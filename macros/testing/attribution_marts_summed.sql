{#
    For the reporting marts' tie-back tests: each attribution mart of
    var('attribution_models'), read mart by mart (not through the reporting marts'
    own union), summed by `group_column` into `conversions` (credits) and `revenue`
    (attributed revenue, a null as 0), with the model's name as attribution_model.
    Rows whose group_column is null are left out when skip_null; `where` (a SQL
    condition on the mart's columns) keeps only the rows it holds for. A select
    statement, for a CTE.
#}
{% macro attribution_marts_summed(group_column, skip_null=true, where=none) -%}
    {%- for model in var('attribution_models') %}
    select
        '{{ model }}' as attribution_model,
        {{ group_column }},
        sum(credit) as conversions,
        sum(coalesce(attributed_revenue_usd, 0)) as revenue
    from {{ ref('attribution_' ~ model) }}
    where
        {{ group_column ~ ' is not null' if skip_null else 'true' }}
        {%- if where %}
        and ({{ where }})
        {%- endif %}
    group by 1, 2
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
