-- One row per landed FX rate record, parsed and checked. rate_to_usd is USD per
-- one unit of the currency.
with source as (
    select * from {{ source('finance', 'fx_rates') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.date') }} as rate_date_text,
        {{ try_cast(json_text('record_json', '$.date'), 'date') }} as rate_date,
        upper({{ json_text('record_json', '$.currency') }}) as currency,
        {{ json_text('record_json', '$.rate_to_usd') }} as rate_text,
        {{ try_cast(json_text('record_json', '$.rate_to_usd'), 'decimal(18, 8)') }} as rate_to_usd,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when rate_date_text is null then 'missing_date'
            when rate_date is null then 'invalid_date'
            when currency is null then 'missing_currency'
            when length(currency) <> 3 or {{ regexp_replace_all('currency', '[A-Z]', '') }} <> '' then 'invalid_currency'
            when rate_text is null then 'missing_rate_to_usd'
            when rate_to_usd is null or rate_to_usd <= 0 then 'invalid_rate_to_usd'
        end as _quarantine_reason
    from parsed
)

select * from checked
