-- One row per landed Twilio status callback, parsed and checked. Callbacks carry
-- Twilio's form fields plus the receiver's `received_at`.
with source as (
    select * from {{ source('twilio', 'twilio_status') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.MessageSid') }} as message_sid,
        lower({{ json_text('record_json', '$.MessageStatus') }}) as message_status,
        {{ try_cast(json_text('record_json', '$.ErrorCode'), api.Column.translate_type('integer')) }} as error_code,
        {{ normalize_phone(json_text('record_json', '$.To')) }} as to_phone,
        {{ json_text('record_json', '$.From') }} as from_phone,
        {{ json_text('record_json', '$.AccountSid') }} as account_sid,
        {{ json_text('record_json', '$.received_at') }} as received_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.received_at')) }} as received_at,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when message_sid is null then 'missing_message_sid'
            when message_status is null then 'missing_message_status'
            when {{ twilio_status_rank('message_status') }} = 0 then 'unknown_message_status'
            when received_at_text is null then 'missing_received_at'
            when received_at is null then 'invalid_received_at'
        end as _quarantine_reason
    from parsed
)

select * from checked
