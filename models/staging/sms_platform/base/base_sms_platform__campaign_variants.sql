-- One row per landed campaign-variant record, parsed and checked. UTM values are
-- kept as the marketer typed them and normalised (lower case, spaces to hyphens)
-- beside them, so governance can show what was typed.
with source as (
    select * from {{ source('sms_platform', 'campaigns') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.variant_id') }} as variant_id,
        {{ json_text('record_json', '$.campaign_id') }} as campaign_id,
        {{ json_text('record_json', '$.campaign_name') }} as campaign_name,
        {{ json_text('record_json', '$.variant_name') }} as variant_name,
        lower({{ json_text('record_json', '$.segment') }}) as segment,
        {{ json_text('record_json', '$.utm_campaign') }} as utm_campaign_raw,
        {{ normalize_utm(json_text('record_json', '$.utm_campaign')) }} as utm_campaign,
        {{ json_text('record_json', '$.utm_content') }} as utm_content_raw,
        {{ normalize_utm(json_text('record_json', '$.utm_content')) }} as utm_content,
        {{ json_text('record_json', '$.scheduled_at') }} as scheduled_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.scheduled_at')) }} as scheduled_at,
        lower({{ json_text('record_json', '$.is_journey') }}) as is_journey_text,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when variant_id is null then 'missing_variant_id'
            when campaign_id is null then 'missing_campaign_id'
            when scheduled_at_text is not null and scheduled_at is null then 'invalid_scheduled_at'
            when is_journey_text is not null
                and is_journey_text not in ('true', 'false', '1', '0') then 'invalid_is_journey'
        end as _quarantine_reason
    from parsed
)

select * from checked
