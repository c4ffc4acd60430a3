-- One row per HubSpot contact: its latest version (stg_hubspot__contact_versions,
-- where copies of one version already collapsed to the last delivered).
with contact_versions as (
    select * from {{ ref('stg_hubspot__contact_versions') }}
),

final as (
    select
        contact_id,
        email,
        email_sha256,
        phone,
        phone_sha256,
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
    from contact_versions
    where is_latest_version
)

select * from final
