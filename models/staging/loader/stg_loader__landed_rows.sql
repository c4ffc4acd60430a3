-- One row per landing source x load day (landed_rows_id): the records the loader
-- wrote to the source's raw table that day, counted in the raw table itself, and
-- how many of them it could not read in their file's format (_parse_error). The
-- landed side of rpt_data_quality's balance, counted apart from the base models
-- (accepted) and the quarantine.
{%- set landing_sources = var('landing_sources') %}
{%- set string_type = api.Column.translate_type('string') %}

with landed as (
    {% for source_name, spec in landing_sources.items() %}
        select
            '{{ source_name }}' as source_name,
            cast(_loaded_at as date) as loaded_date,
            count(*) as rows_landed,
            count(_parse_error) as rows_with_parse_error
        from {{ source(spec.system, source_name) }}
        group by 1, 2
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        concat(source_name, '|', cast(loaded_date as {{ string_type }})) as landed_rows_id,
        source_name,
        loaded_date,
        cast(rows_landed as bigint) as rows_landed,
        cast(rows_with_parse_error as bigint) as rows_with_parse_error
    from landed
)

select * from final
