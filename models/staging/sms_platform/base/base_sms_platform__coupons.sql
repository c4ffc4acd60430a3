-- One row per landed coupon-code record, parsed and checked. Codes are matched
-- case-insensitively (cashiers type them), so they are upper-cased here.
with source as (
    select * from {{ source('sms_platform', 'coupons') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        upper({{ json_text('record_json', '$.code') }}) as coupon_code,
        {{ json_text('record_json', '$.subscriber_id') }} as subscriber_id,
        {{ json_text('record_json', '$.campaign_id') }} as campaign_id,
        {{ json_text('record_json', '$.issued_at') }} as issued_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.issued_at')) }} as issued_at,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when coupon_code is null then 'missing_code'
            when subscriber_id is null then 'missing_subscriber_id'
            when campaign_id is null then 'missing_campaign_id'
            when issued_at_text is not null and issued_at is null then 'invalid_issued_at'
        end as _quarantine_reason
    from parsed
)

select * from checked
