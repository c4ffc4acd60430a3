-- One row per campaign variant: its latest exported version. Variant ids are
-- unique across campaigns; variant 'a' of a campaign is its control copy.
with variants as (
    select * from {{ ref('base_sms_platform__campaign_variants') }}
    where _quarantine_reason is null
),

variants_ranked as (
    select
        *,
        {{ row_number_over('variant_id', landed='last') }} as version_rank
    from variants
),

final as (
    select
        variant_id,
        campaign_id,
        campaign_name,
        variant_name,
        segment,
        utm_campaign,
        utm_campaign_raw,
        utm_content,
        utm_content_raw,
        scheduled_at,
        coalesce(is_journey_text in ('true', '1'), false) as is_journey,
        _file_path,
        _line_number,
        _loaded_at
    from variants_ranked
    where version_rank = 1
)

select * from final
