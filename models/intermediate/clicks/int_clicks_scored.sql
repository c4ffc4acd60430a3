-- One row per staged click (click_id), bots included, with its link, send,
-- campaign and variant and the bot score that the Python asset
-- scoring/click_bot_scores wrote (stg_scoring__click_bot_scores). Filter on
-- is_human to count clicks as people made them; nothing is dropped here. A click
-- the scorer has not seen yet (staged after the asset ran) has is_scored = false
-- and counts as human until the next run (a warning test watches for it).
-- The send is known only for a personalised link (one send per short code): a
-- shared link's clicks name no send.
with clicks as (
    select * from {{ ref('stg_shortlinks__clicks') }}
),

links as (
    select * from {{ ref('stg_shortlinks__links') }}
),

sends as (
    select * from {{ ref('stg_sms_platform__sends') }}
),

click_bot_scores as (
    select * from {{ ref('stg_scoring__click_bot_scores') }}
),

sends_by_short_code as (
    select
        short_code,
        max(send_id) as send_id,
        max(subscriber_id) as subscriber_id,
        max(campaign_id) as campaign_id,
        max(variant_id) as variant_id
    from sends
    group by 1
    having count(*) = 1
),

clicks_scored as (
    select
        clicks.click_id,
        sends_by_short_code.send_id,
        coalesce(links.campaign_id, sends_by_short_code.campaign_id) as campaign_id,
        coalesce(links.variant_id, sends_by_short_code.variant_id) as variant_id,
        coalesce(links.subscriber_id, sends_by_short_code.subscriber_id) as subscriber_id,
        clicks.short_code,
        clicks.requested_at as clicked_at,
        cast(clicks.requested_at as date) as clicked_date,
        clicks.http_method,
        clicks.http_status,
        clicks.is_expired_link,
        clicks.delivery_lag_days,
        links.short_code is null as is_unknown_link,
        coalesce(links.is_shared_link, false) as is_shared_link,
        click_bot_scores.bot_score,
        coalesce(click_bot_scores.is_bot, false) as is_bot,
        not coalesce(click_bot_scores.is_bot, false) as is_human,
        coalesce(click_bot_scores.reasons, '') as reasons,
        click_bot_scores.ua_family,
        click_bot_scores.ip_network,
        click_bot_scores.seconds_after_delivery,
        coalesce(click_bot_scores.has_landed, false) as has_landed,
        click_bot_scores.click_id is not null as is_scored,
        click_bot_scores.scored_at,
        click_bot_scores.scoring_version
    from clicks
    left join links
        on clicks.short_code = links.short_code
    left join sends_by_short_code
        on clicks.short_code = sends_by_short_code.short_code
    left join click_bot_scores
        on clicks.click_id = click_bot_scores.click_id
),

final as (
    select * from clicks_scored
)

select * from final
