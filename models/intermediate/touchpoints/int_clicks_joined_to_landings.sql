-- One row per short-link request (click_id), bots included, with its send,
-- campaign variant and bot score (int_clicks_scored), its person and its landing.
-- The send is known only for a personalised link (one send per short code); a
-- shared link's clicks name no send and take their person from the click id or
-- the landing session.
-- A GA4 session whose landing page carries the click's sms_click_id is that
-- click's landing (the redirect server appends the id): it sets has_landed and
-- is_landing_engaged here and is never a touch of its own.
with clicks as (
    select * from {{ ref('int_clicks_scored') }}
),

campaign_variants as (
    select * from {{ ref('stg_sms_platform__campaign_variants') }}
),

subscribers as (
    select * from {{ ref('stg_sms_platform__subscribers') }}
),

identifiers_resolved as (
    select * from {{ ref('int_identifiers_resolved') }}
),

sessions as (
    select * from {{ ref('int_web_sessions') }}
),

landings as (
    select
        sms_click_id,
        min(started_at) as landed_at,
        min(session_id) as landing_session_id,
        max(case when is_engaged then 1 else 0 end) = 1 as is_landing_engaged,
        count(*) as landing_sessions,
        min(person_id) as landing_person_id
    from sessions
    where sms_click_id is not null
    group by 1
),

persons_by_subscriber as (
    select
        identifier_value,
        person_id
    from identifiers_resolved
    where identifier_type = 'subscriber_id'
),

persons_by_click as (
    select
        identifier_value,
        person_id
    from identifiers_resolved
    where identifier_type = 'sms_click_id'
),

clicks_joined as (
    select
        clicks.click_id,
        clicks.send_id,
        clicks.campaign_id,
        clicks.variant_id,
        campaign_variants.segment,
        clicks.subscriber_id,
        coalesce(
            persons_by_subscriber.person_id,
            persons_by_click.person_id,
            landings.landing_person_id
        ) as person_id,
        subscribers.timezone as subscriber_timezone,
        clicks.short_code,
        clicks.clicked_at,
        clicks.http_method,
        clicks.http_status,
        clicks.is_expired_link,
        clicks.is_unknown_link,
        clicks.is_shared_link,
        clicks.delivery_lag_days,
        clicks.bot_score,
        clicks.is_bot,
        clicks.is_human,
        clicks.reasons as bot_reasons,
        clicks.ua_family as bot_ua_family,
        clicks.ip_network as bot_ip_network,
        clicks.is_scored,
        clicks.scoring_version,
        landings.sms_click_id is not null as has_landed,
        landings.landed_at,
        landings.landing_session_id,
        coalesce(landings.landing_sessions, 0) as landing_sessions,
        coalesce(landings.is_landing_engaged, false) as is_landing_engaged
    from clicks
    left join landings
        on clicks.click_id = landings.sms_click_id
    left join campaign_variants
        on clicks.variant_id = campaign_variants.variant_id
    left join subscribers
        on clicks.subscriber_id = subscribers.subscriber_id
    left join persons_by_subscriber
        on clicks.subscriber_id = persons_by_subscriber.identifier_value
    left join persons_by_click
        on clicks.click_id = persons_by_click.identifier_value
),

final as (
    select * from clicks_joined
)

select * from final
