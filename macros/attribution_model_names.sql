{#
    One row per model of var('attribution_models') (column attribution_model): a
    select statement, for the CTE that the reporting marts cross join so that every
    model has its row even where it credits nothing.
#}
{% macro attribution_model_names() -%}
    {%- set models = var('attribution_models') -%}
    select model_names.attribution_model
    from (
        values
        ('{{ models | join("'),\n        ('") }}')
    ) as model_names (attribution_model)
{%- endmacro %}
