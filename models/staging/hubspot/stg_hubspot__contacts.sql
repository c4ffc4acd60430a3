-- One row per HubSpot contact: its latest version. HubSpot lists a contact again,
-- whole, each time it changes, and the same version can be listed twice when pages
-- shift between requests; the version with the latest `updatedAt` wins, and between
-- copies of one version, the last delivered.
with contacts as (
    select * from {{ ref('base_hubspot__contacts') }}
    where _quarantine_reason is null
),

contacts_ranked as (
    select
        *,
        {{ row_number_over('contact_id', ['updated_at desc'], landed='last') }} as version_rank
    from contacts
),

final as (
    select
        contact_id,
        email,
        {{ sha256_hex('email') }} as email_sha256,
        phone,
        {{ sha256_hex('phone') }} as phone_sha256,
        lifecyclestage,
        hs_analytics_source,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        sms_click_id,
        is_archived,
        created_at,
        updated_at,
        _file_path,
        _line_number,
        _loaded_at
    from contacts_ranked
    where version_rank = 1
)

select * from final
