-- One row per source x load day: what landed, what staging accepted and what it
-- quarantined (by reason), and the files behind them. The three row counts come
-- from three places (the raw tables through stg_loader__landed_rows, the base
-- models, the quarantine) so that their balance,
-- rows_landed = rows_accepted + rows_quarantined, is a real check (tested).
{%- set landing_sources = var('landing_sources') %}
{%- set string_type = api.Column.translate_type('string') %}

with loaded_files as (
    select * from {{ ref('stg_loader__loaded_files') }}
),

landed as (
    select * from {{ ref('stg_loader__landed_rows') }}
),

quarantined_records as (
    select * from {{ ref('stg_quarantined_records') }}
),

accepted as (
    {% for source_name, spec in landing_sources.items() %}
        select
            '{{ source_name }}' as source_name,
            cast(_loaded_at as date) as loaded_date,
            count(*) as rows_accepted
        from {{ ref(spec.base_model) }}
        where _quarantine_reason is null
        group by 1, 2
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

quarantined_by_reason as (
    select
        source_name,
        cast(_loaded_at as date) as loaded_date,
        quarantine_reason,
        count(*) as reason_rows
    from quarantined_records
    group by 1, 2, 3
),

quarantined as (
    select
        source_name,
        loaded_date,
        cast(sum(reason_rows) as bigint) as rows_quarantined,
        {{ dbt.listagg(
            "concat(quarantine_reason, ': ', cast(reason_rows as " ~ string_type ~ "))",
            "'; '",
            "order by reason_rows desc, quarantine_reason"
        ) }} as quarantine_reasons
    from quarantined_by_reason
    group by 1, 2
),

files as (
    select
        source_name,
        loaded_date,
        count(case when status = 'loaded' then 1 end) as files_loaded,
        count(case when status = 'duplicate' then 1 end) as files_duplicate,
        count(case when status = 'failed' then 1 end) as files_failed,
        {{ dbt.listagg("case when status = 'failed' then concat(file_path, ': ', error) end", "'; '", "order by file_path") }}
            as failed_file_errors
    from loaded_files
    group by 1, 2
),

source_days as (
    select
        source_name,
        loaded_date
    from files
    union
    select
        source_name,
        loaded_date
    from landed
),

final as (
    select
        concat(source_days.source_name, '|', cast(source_days.loaded_date as {{ string_type }})) as data_quality_id,
        source_days.source_name,
        source_days.loaded_date,
        coalesce(files.files_loaded, 0) as files_loaded,
        coalesce(files.files_duplicate, 0) as files_duplicate,
        coalesce(files.files_failed, 0) as files_failed,
        coalesce(landed.rows_landed, 0) as rows_landed,
        coalesce(accepted.rows_accepted, 0) as rows_accepted,
        coalesce(quarantined.rows_quarantined, 0) as rows_quarantined,
        coalesce(landed.rows_with_parse_error, 0) as rows_with_parse_error,
        quarantined.quarantine_reasons,
        files.failed_file_errors
    from source_days
    left join files
        on source_days.source_name = files.source_name
            and source_days.loaded_date = files.loaded_date
    left join landed
        on source_days.source_name = landed.source_name
            and source_days.loaded_date = landed.loaded_date
    left join accepted
        on source_days.source_name = accepted.source_name
            and source_days.loaded_date = accepted.loaded_date
    left join quarantined
        on source_days.source_name = quarantined.source_name
            and source_days.loaded_date = quarantined.loaded_date
)

select * from final
