-- One row per landed redirect-server request, parsed and checked. The redirect
-- server appends its click_id to the destination as `sms_click_id`: the click id in
-- `location` must be the request's own.
with source as (
    select * from {{ source('shortlinks', 'clicks') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.click_id') }} as click_id,
        {{ json_text('record_json', '$.request_id') }} as request_id,
        {{ json_text('record_json', '$.short_code') }} as short_code,
        {{ json_text('record_json', '$.requested_at') }} as requested_at_text,
        -- ISO 8601 normally; some log shippers write the access-log format instead
        coalesce(
            {{ parse_iso8601_timestamp(json_text('record_json', '$.requested_at')) }},
            {{ parse_clf_timestamp(json_text('record_json', '$.requested_at')) }}
        ) as requested_at,
        upper({{ json_text('record_json', '$.method') }}) as http_method,
        {{ try_cast(json_text('record_json', '$.status'), api.Column.translate_type('integer')) }} as http_status,
        {{ json_text('record_json', '$.ip') }} as ip_address,
        {{ json_text('record_json', '$.user_agent') }} as user_agent,
        {{ json_text('record_json', '$.referer') }} as referer,
        {{ json_text('record_json', '$.accept_language') }} as accept_language,
        lower({{ json_text('record_json', '$.sec_purpose') }}) as sec_purpose,
        {{ json_text('record_json', '$.location') }} as redirect_location,
        {{ url_query_param(json_text('record_json', '$.location'), 'sms_click_id') }} as location_click_id,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when click_id is null then 'missing_click_id'
            when short_code is null then 'missing_short_code'
            when requested_at_text is null then 'missing_requested_at'
            when requested_at is null then 'invalid_requested_at'
            when http_method is null then 'missing_method'
        end as _quarantine_reason
    from parsed
)

select * from checked
