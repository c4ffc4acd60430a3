-- One row per version of a HubSpot contact (contact_version_id: the contact id and
-- the version's `updatedAt`). HubSpot lists a contact again, whole, each time any
-- property changes, and the same version can be listed twice when pages shift
-- between requests: copies of one version collapse to the last delivered.
-- previous_lifecyclestage is the stage of the contact's previous version in the
-- landed data (null for its first version), so a change of stage can be told from
-- an edit that left it alone.
with contacts as (
    select * from {{ ref('base_hubspot__contacts') }}
    where _quarantine_reason is null
),

copies_ranked as (
    select
        *,
        {{ row_number_over(['contact_id', 'updated_at'], landed='last') }} as copy_rank
    from contacts
),

versions as (
    select * from copies_ranked
    where copy_rank = 1
),

versions_ordered as (
    select
        *,
        {{ row_number_over('contact_id', ['updated_at']) }} as version_number,
        {{ row_number_over('contact_id', ['updated_at desc']) }} as version_rank_from_latest,
        lag(lifecyclestage) over (partition by contact_id order by updated_at) as previous_lifecyclestage
    from versions
),

final as (
    select
        concat(contact_id, '@', updated_at_text) as contact_version_id,
        contact_id,
        cast(version_number as int) as version_number,
        version_rank_from_latest = 1 as is_latest_version,
        email,
        {{ sha256_hex('email') }} as email_sha256,
        phone,
        {{ sha256_hex('phone') }} as phone_sha256,
        lifecyclestage,
        previous_lifecyclestage,
        hs_analytics_source,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        sms_click_id,
        is_archived,
        created_at,
        updated_at,
        updated_at_text,
        _file_path,
        _line_number,
        _loaded_at
    from versions_ordered
)

select * from final
