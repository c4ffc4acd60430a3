-- One row per landed short-link registry record, parsed and checked. The UTM
-- parameters are read from the destination URL (URL-decoded, then normalised).
with source as (
    select * from {{ source('shortlinks', 'links') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.short_code') }} as short_code,
        {{ json_text('record_json', '$.destination_url') }} as destination_url,
        {{ normalize_utm(url_query_param(json_text('record_json', '$.destination_url'), 'utm_source')) }} as utm_source,
        {{ normalize_utm(url_query_param(json_text('record_json', '$.destination_url'), 'utm_medium')) }} as utm_medium,
        {{ normalize_utm(url_query_param(json_text('record_json', '$.destination_url'), 'utm_campaign')) }} as utm_campaign,
        {{ normalize_utm(url_query_param(json_text('record_json', '$.destination_url'), 'utm_content')) }} as utm_content,
        {{ normalize_utm(url_query_param(json_text('record_json', '$.destination_url'), 'utm_term')) }} as utm_term,
        {{ url_query_param(json_text('record_json', '$.destination_url'), 'utm_source') }} as utm_source_raw,
        {{ url_query_param(json_text('record_json', '$.destination_url'), 'utm_campaign') }} as utm_campaign_raw,
        {{ json_text('record_json', '$.campaign_id') }} as campaign_id,
        {{ json_text('record_json', '$.variant_id') }} as variant_id,
        {{ json_text('record_json', '$.subscriber_id') }} as subscriber_id,
        {{ json_text('record_json', '$.created_at') }} as created_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.created_at')) }} as created_at,
        {{ json_text('record_json', '$.expires_at') }} as expires_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.expires_at')) }} as expires_at,
        {{ json_text('record_json', '$.fallback_url') }} as fallback_url,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when short_code is null then 'missing_short_code'
            when destination_url is null then 'missing_destination_url'
            when destination_url not like 'http%://%' then 'invalid_destination_url'
            when created_at_text is not null and created_at is null then 'invalid_created_at'
            when expires_at_text is not null and expires_at is null then 'invalid_expires_at'
        end as _quarantine_reason
    from parsed
)

select * from checked
