-- One row per landed affiliate-report record, parsed and checked. Everflow-style
-- reports give the conversion time as Unix seconds and amounts as decimals.
with source as (
    select * from {{ source('affiliate', 'affiliate_reports') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.transaction_id') }} as transaction_id,
        {{ json_text('record_json', '$.click_id') }} as click_id,
        {{ json_text('record_json', '$.offer_id') }} as offer_id,
        lower({{ json_text('record_json', '$.event') }}) as event_name,
        {{ json_text('record_json', '$.payout') }} as payout_text,
        {{ try_cast(json_text('record_json', '$.payout'), 'decimal(18, 4)') }} as payout,
        {{ json_text('record_json', '$.revenue') }} as revenue_text,
        {{ try_cast(json_text('record_json', '$.revenue'), 'decimal(18, 4)') }} as revenue,
        upper({{ json_text('record_json', '$.currency') }}) as currency,
        lower({{ json_text('record_json', '$.status') }}) as conversion_status,
        {{ json_text('record_json', '$.conversion_unix_timestamp') }} as converted_at_text,
        {{ timestamp_from_epoch(json_text('record_json', '$.conversion_unix_timestamp'), 'seconds') }} as converted_at,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when transaction_id is null then 'missing_transaction_id'
            when payout_text is not null and payout is null then 'invalid_payout'
            when revenue_text is not null and revenue is null then 'invalid_revenue'
            when currency is not null
                and (length(currency) <> 3 or {{ regexp_replace_all('currency', '[A-Z]', '') }} <> '') then 'invalid_currency'
            when converted_at_text is null then 'missing_conversion_unix_timestamp'
            when converted_at is null then 'invalid_conversion_unix_timestamp'
        end as _quarantine_reason
    from parsed
)

select * from checked
