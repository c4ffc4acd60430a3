-- One row per message record in a landed Twilio Messages list page, parsed and
-- checked. Twilio's dates are RFC 2822; `price` is a negative decimal string
-- (Twilio reports what it charged as a debit) and null until the message is priced.
with source as (
    select * from {{ source('twilio', 'twilio_messages') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.sid') }} as message_sid,
        {{ json_text('record_json', '$.to') }} as to_phone_text,
        {{ normalize_phone(json_text('record_json', '$.to')) }} as to_phone,
        {{ json_text('record_json', '$.from') }} as from_phone,
        lower({{ json_text('record_json', '$.status') }}) as message_status,
        {{ try_cast(json_text('record_json', '$.num_segments'), api.Column.translate_type('integer')) }} as segments,
        {{ json_text('record_json', '$.price') }} as price_text,
        abs({{ try_cast(json_text('record_json', '$.price'), 'decimal(18, 5)') }}) as price,
        upper({{ json_text('record_json', '$.price_unit') }}) as price_currency,
        {{ try_cast(json_text('record_json', '$.error_code'), api.Column.translate_type('integer')) }} as error_code,
        {{ json_text('record_json', '$.date_created') }} as date_created_text,
        {{ parse_rfc2822_timestamp(json_text('record_json', '$.date_created')) }} as created_at,
        {{ parse_rfc2822_timestamp(json_text('record_json', '$.date_sent')) }} as sent_at,
        {{ parse_rfc2822_timestamp(json_text('record_json', '$.date_updated')) }} as updated_at,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when message_sid is null then 'missing_sid'
            when message_status is null then 'missing_status'
            when date_created_text is null then 'missing_date_created'
            when created_at is null then 'invalid_date_created'
            when price_text is not null and price is null then 'invalid_price'
        end as _quarantine_reason
    from parsed
)

select * from checked
