-- One row per request to a short link (click_id), humans and bots alike: filter
-- on is_human to count clicks as people made them. bot_score, is_human and
-- bot_reasons come from the scoring asset (scoring.click_bot_scores, through
-- int_clicks_scored); a click staged after it ran has is_scored = false and counts
-- as human until the next run. has_landed: a GA4 session carried the
-- click's sms_click_id. No IP address or user agent leaves staging.
with clicks as (
    select * from {{ ref('int_clicks_joined_to_landings') }}
),

final as (
    select
        click_id,
        send_id,
        campaign_id,
        variant_id,
        segment,
        subscriber_id,
        person_id,
        short_code,
        clicked_at,
        {{ utc_to_local_timestamp('clicked_at', 'subscriber_timezone') }} as clicked_at_local,
        http_method,
        http_status,
        is_expired_link,
        is_unknown_link,
        is_shared_link,
        bot_score,
        is_bot,
        is_human,
        bot_reasons,
        bot_ua_family,
        bot_ip_network,
        is_scored,
        scoring_version,
        has_landed,
        landed_at,
        landing_session_id,
        landing_sessions,
        is_landing_engaged,
        cast(delivery_lag_days as bigint) as delivery_lag_days
    from clicks
)

select * from final
