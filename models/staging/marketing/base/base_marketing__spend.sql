-- One row per landed spend line, parsed and checked.
with source as (
    select * from {{ source('marketing', 'spend') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.date') }} as spend_date_text,
        {{ try_cast(json_text('record_json', '$.date'), 'date') }} as spend_date,
        lower({{ json_text('record_json', '$.channel') }}) as channel,
        lower({{ json_text('record_json', '$.platform') }}) as platform,
        {{ json_text('record_json', '$.campaign') }} as campaign,
        {{ json_text('record_json', '$.cost') }} as cost_text,
        {{ try_cast(json_text('record_json', '$.cost'), 'decimal(18, 4)') }} as cost_amount,
        upper({{ json_text('record_json', '$.currency') }}) as currency,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when spend_date_text is null then 'missing_date'
            when spend_date is null then 'invalid_date'
            when channel is null then 'missing_channel'
            when cost_text is null then 'missing_cost'
            -- a negative line (a credit) is held for review, not netted into spend silently
            when cost_amount is null or cost_amount < 0 then 'invalid_cost'
            when currency is null then 'missing_currency'
            when length(currency) <> 3 or {{ regexp_replace_all('currency', '[A-Z]', '') }} <> '' then 'invalid_currency'
        end as _quarantine_reason
    from parsed
)

select * from checked
