{#
    Every attribution mart of var('attribution_models'), unioned, with the model's
    name as attribution_model: one select statement, for a CTE. The marts share one
    column set (CONTRACT.md section 2), so the union is column for column; the
    reporting marts that carry a model column read it, so that a dashboard filters
    on attribution_model instead of switching table.
#}
{% macro attribution_marts_unioned(columns) -%}
    {%- for model in var('attribution_models') %}
    select
        '{{ model }}' as attribution_model,
        {{ columns | join(', ') }}
    from {{ ref('attribution_' ~ model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
