-- One row per landed holdout-assignment record, parsed and checked.
with source as (
    select * from {{ source('sms_platform', 'holdouts') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.campaign_id') }} as campaign_id,
        {{ json_text('record_json', '$.subscriber_id') }} as subscriber_id,
        lower({{ json_text('record_json', '$.group') }}) as holdout_group,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when campaign_id is null then 'missing_campaign_id'
            when subscriber_id is null then 'missing_subscriber_id'
            when holdout_group is null then 'missing_group'
            when holdout_group not in ('treatment', 'control') then 'invalid_group'
        end as _quarantine_reason
    from parsed
)

select * from checked
