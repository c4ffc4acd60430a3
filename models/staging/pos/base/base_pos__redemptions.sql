-- One row per landed POS redemption record, parsed and checked. Cashiers type the
-- code, so it is trimmed and upper-cased; times carry the store's UTC offset.
with source as (
    select * from {{ source('pos', 'pos_redemptions') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.store_id') }} as store_id,
        upper({{ json_text('record_json', '$.code') }}) as coupon_code,
        {{ json_text('record_json', '$.order_ref') }} as order_ref,
        {{ json_text('record_json', '$.amount') }} as amount_text,
        {{ try_cast(json_text('record_json', '$.amount'), 'decimal(18, 4)') }} as amount,
        upper({{ json_text('record_json', '$.currency') }}) as currency,
        {{ json_text('record_json', '$.redeemed_at') }} as redeemed_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.redeemed_at')) }} as redeemed_at,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when store_id is null then 'missing_store_id'
            when order_ref is null then 'missing_order_ref'
            when coupon_code is null then 'missing_code'
            when amount_text is null then 'missing_amount'
            when amount is null then 'invalid_amount'
            when currency is null then 'missing_currency'
            when length(currency) <> 3 or {{ regexp_replace_all('currency', '[A-Z]', '') }} <> '' then 'invalid_currency'
            when redeemed_at_text is null then 'missing_redeemed_at'
            when redeemed_at is null then 'invalid_redeemed_at'
        end as _quarantine_reason
    from parsed
)

select * from checked
