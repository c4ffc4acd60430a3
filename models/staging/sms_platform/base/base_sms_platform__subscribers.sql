-- One row per landed subscriber-export record, parsed and checked. The platform
-- exports new and changed subscribers each day; phones arrive in several shapes
-- (normalised to E.164 here), emails padded and mixed-case, and the time zone must
-- be one the engine knows (an unknown zone is quarantined, not defaulted to UTC).
with source as (
    select * from {{ source('sms_platform', 'subscribers') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.subscriber_id') }} as subscriber_id,
        {{ json_text('record_json', '$.phone') }} as phone_text,
        {{ normalize_phone(json_text('record_json', '$.phone')) }} as phone_e164,
        {{ json_text('record_json', '$.email') }} as email_text,
        {{ normalize_email(json_text('record_json', '$.email')) }} as email,
        {{ json_text('record_json', '$.timezone') }} as timezone,
        {{ json_text('record_json', '$.opted_in_at') }} as opted_in_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.opted_in_at')) }} as opted_in_at,
        {{ json_text('record_json', '$.opted_out_at') }} as opted_out_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.opted_out_at')) }} as opted_out_at,
        {{ json_text('record_json', '$.labels') }} as labels,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when subscriber_id is null then 'missing_subscriber_id'
            when phone_text is null then 'missing_phone'
            when phone_e164 is null then 'invalid_phone'
            when email_text is not null and email is null then 'invalid_email'
            when opted_in_at_text is null then 'missing_opted_in_at'
            when opted_in_at is null then 'invalid_opted_in_at'
            when opted_out_at_text is not null and opted_out_at is null then 'invalid_opted_out_at'
            -- IANA Area/Location (or UTC) that the engine knows: an unknown zone would
            -- fail every mart that localises a time
            when timezone is not null
                and not (
                    (timezone like '%/%' or timezone = 'UTC')
                    and {{ is_known_timezone('timezone') }}
                ) then 'invalid_timezone'
        end as _quarantine_reason
    from parsed
)

select * from checked
