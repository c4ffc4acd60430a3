-- One row per landed record that was not accepted, from every source, with the
-- reason: the loader's parse error or the first validation rule the record broke
-- in its base model. Nothing is dropped silently: rpt_data_quality counts these
-- against what landed.
{%- set landing_sources = var('landing_sources') %}

with
{% for source_name, spec in landing_sources.items() %}
    {{ source_name }}_rejected as (
        select
            '{{ source_name }}' as source_name,
            _quarantine_reason as quarantine_reason,
            _record,
            _file_path,
            _file_hash,
            _line_number,
            _delivery_date,
            _loaded_at
        from {{ ref(spec.base_model) }}
        where _quarantine_reason is not null
    ),
{% endfor %}

rejected as (
    {% for source_name in landing_sources %}
        select * from {{ source_name }}_rejected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        {{ sha256_hex("concat_ws('|', source_name, _file_hash, cast(_line_number as " ~ api.Column.translate_type('string') ~ "))") }}
            as quarantined_record_id,
        *
    from rejected
)

select * from final
