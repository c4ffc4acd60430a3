-- One row per short link. Personalised links name their subscriber; shared links
-- (one link for a whole audience) leave it empty, so their clicks name nobody. A
-- re-registered code keeps its first registration.
with links as (
    select * from {{ ref('base_shortlinks__links') }}
    where _quarantine_reason is null
),

links_ranked as (
    select
        *,
        {{ row_number_over('short_code', landed='first') }} as registration_rank
    from links
),

final as (
    select
        short_code,
        destination_url,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        utm_term,
        utm_source_raw,
        utm_campaign_raw,
        campaign_id,
        variant_id,
        subscriber_id,
        subscriber_id is null as is_shared_link,
        created_at,
        expires_at,
        fallback_url,
        _file_path,
        _line_number,
        _loaded_at
    from links_ranked
    where registration_rank = 1
)

select * from final
