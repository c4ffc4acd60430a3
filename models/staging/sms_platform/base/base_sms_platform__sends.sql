-- One row per landed send-log record, parsed and checked: accepted rows have a
-- null _quarantine_reason (stg_sms_platform__sends keeps them), the others go to
-- stg_quarantined_records with it.
with source as (
    select * from {{ source('sms_platform', 'sends') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.send_id') }} as send_id,
        {{ json_text('record_json', '$.campaign_id') }} as campaign_id,
        {{ json_text('record_json', '$.variant_id') }} as variant_id,
        {{ json_text('record_json', '$.subscriber_id') }} as subscriber_id,
        {{ json_text('record_json', '$.message_sid') }} as message_sid,
        {{ json_text('record_json', '$.short_code') }} as short_code,
        {{ json_text('record_json', '$.queued_at') }} as queued_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.queued_at')) }} as queued_at,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when send_id is null then 'missing_send_id'
            when subscriber_id is null then 'missing_subscriber_id'
            when campaign_id is null then 'missing_campaign_id'
            when message_sid is null then 'missing_message_sid'
            when queued_at_text is null then 'missing_queued_at'
            when queued_at is null then 'invalid_queued_at'
        end as _quarantine_reason
    from parsed
)

select * from checked
