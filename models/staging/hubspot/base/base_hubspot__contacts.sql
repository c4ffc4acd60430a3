-- One row per contact record in a landed HubSpot CRM v3 contacts list page,
-- parsed and checked. HubSpot returns every property as a string or null (blank
-- strings too); a contact reappears in a later page with a later `updatedAt` each
-- time it changes, so one contact has several versions here.
{#- the createdate property, or the object's createdAt where the property was not requested #}
{%- set createdate = "coalesce("
    ~ json_text('record_json', '$.properties.createdate') ~ ", "
    ~ json_text('record_json', '$.createdAt') ~ ")" %}

with source as (
    select * from {{ source('hubspot', 'hubspot_contacts') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.id') }} as contact_id,
        {{ json_text('record_json', '$.properties.email') }} as email_text,
        {{ normalize_email(json_text('record_json', '$.properties.email')) }} as email,
        {{ normalize_phone(json_text('record_json', '$.properties.phone')) }} as phone,
        {{ createdate }} as createdate_text,
        {{ parse_iso8601_timestamp(createdate) }} as created_at,
        {{ json_text('record_json', '$.updatedAt') }} as updated_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.updatedAt')) }} as updated_at,
        lower({{ json_text('record_json', '$.properties.lifecyclestage') }}) as lifecyclestage,
        upper({{ json_text('record_json', '$.properties.hs_analytics_source') }}) as hs_analytics_source,
        {{ normalize_utm(json_text('record_json', '$.properties.utm_source')) }} as utm_source,
        {{ normalize_utm(json_text('record_json', '$.properties.utm_medium')) }} as utm_medium,
        {{ normalize_utm(json_text('record_json', '$.properties.utm_campaign')) }} as utm_campaign,
        {{ normalize_utm(json_text('record_json', '$.properties.utm_content')) }} as utm_content,
        {{ json_text('record_json', '$.properties.sms_click_id') }} as sms_click_id,
        coalesce(lower({{ json_text('record_json', '$.archived') }}) = 'true', false) as is_archived,
        {{ raw_metadata_columns() }}
    from records
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when contact_id is null then 'missing_id'
            when updated_at_text is null then 'missing_updated_at'
            when updated_at is null then 'invalid_updated_at'
            when createdate_text is not null and created_at is null then 'invalid_createdate'
        end as _quarantine_reason
    from parsed
)

select * from checked
