-- One row per deal record in a landed HubSpot CRM v3 deals list page (requested
-- with associations=contacts), parsed and checked. Properties are strings: `amount`
-- is a decimal string, `hs_is_closed_won` is 'true'/'false', and `closedate` is the
-- expected close date while a deal is open, the actual one once it is closed. A
-- deal reappears with a later `updatedAt` each time it changes: every version is a
-- row, which is what the stage history is built from.
{#- the createdate property, or the object's createdAt where the property was not requested #}
{%- set createdate = "coalesce("
    ~ json_text('record_json', '$.properties.createdate') ~ ", "
    ~ json_text('record_json', '$.createdAt') ~ ")" %}
{#- the deal's own currency; HubSpot writes the amount in the company currency when it names none #}
{%- set deal_currency_code = "upper(nullif(trim("
    ~ json_text('record_json', '$.properties.deal_currency_code') ~ "), ''))" %}

with source as (
    select * from {{ source('hubspot', 'hubspot_deals') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.id') }} as deal_id,
        {{ json_text('record_json', '$.properties.dealname') }} as deal_name,
        {{ json_text('record_json', '$.associations.contacts.results[0].id') }} as contact_id,
        {{ json_array_length('record_json', '$.associations.contacts.results') }} as associated_contacts,
        {{ json_text('record_json', '$.properties.amount') }} as amount_text,
        {{ try_cast(json_text('record_json', '$.properties.amount'), 'decimal(18, 4)') }} as amount,
        coalesce({{ deal_currency_code }}, '{{ var("hubspot_company_currency") | upper }}') as currency,
        {{ deal_currency_code }} is null as is_company_currency,
        lower({{ json_text('record_json', '$.properties.dealstage') }}) as dealstage,
        {{ json_text('record_json', '$.properties.pipeline') }} as pipeline,
        lower({{ json_text('record_json', '$.properties.hs_is_closed_won') }}) as hs_is_closed_won,
        {{ createdate }} as createdate_text,
        {{ parse_iso8601_timestamp(createdate) }} as created_at,
        {{ json_text('record_json', '$.properties.closedate') }} as closedate_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.properties.closedate')) }} as closed_at,
        {{ json_text('record_json', '$.updatedAt') }} as updated_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.updatedAt')) }} as updated_at,
        coalesce(lower({{ json_text('record_json', '$.archived') }}) = 'true', false) as is_archived,
        {{ raw_metadata_columns() }}
    from records
),

won_flagged as (
    select
        *,
        -- hs_is_closed_won is HubSpot's own flag (it knows custom pipelines' won
        -- stages); the default pipeline's stage name stands in when it is absent
        case
            when hs_is_closed_won = 'true' then true
            when hs_is_closed_won = 'false' then false
            else coalesce(dealstage = 'closedwon', false)
        end as is_closed_won
    from parsed
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when deal_id is null then 'missing_id'
            when updated_at_text is null then 'missing_updated_at'
            when updated_at is null then 'invalid_updated_at'
            when dealstage is null then 'missing_dealstage'
            when amount_text is not null and amount is null then 'invalid_amount'
            when createdate_text is not null and created_at is null then 'invalid_createdate'
            when closedate_text is not null and closed_at is null then 'invalid_closedate'
        end as _quarantine_reason
    from won_flagged
)

select * from checked
