-- One row per GA4 session (session_id = user_pseudo_id|ga_session_id, GA4's own
-- session key: ga_session_id alone is only unique per browser). A session's
-- traffic source is its first event's landing page and referrer, as GA4 itself
-- attributes a session: later events carry product and checkout pages. Click ids
-- (sms_click_id, gclid, fbclid, ...) come from the landing page's query; the raw
-- (undecoded-case) utm values are kept for the UTM governance checks.
-- The person is the one the identity graph resolved for the browser
-- (ga4_user_pseudo_id), or else for the logged-in shop customer (GA4 user_id).
with events as (
    select * from {{ ref('stg_ga4__events') }}
    where session_key is not null
),

identifiers_resolved as (
    select * from {{ ref('int_identifiers_resolved') }}
),

events_ordered as (
    select
        *,
        {{ row_number_over('session_key', ['event_at', 'event_id']) }} as event_order
    from events
),

sessions_aggregated as (
    select
        session_key,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        count(*) as events,
        sum(coalesce(engagement_time_msec, 0)) as engagement_time_msec,
        max(case when is_session_engaged then 1 else 0 end) = 1 as is_engaged,
        max(user_id) as user_id,
        max(case when event_name = 'purchase' then 1 else 0 end) = 1 as has_purchase,
        -- a click id can reach GA4 on a later event only if the first one lost it
        max(sms_click_id) as any_sms_click_id
    from events
    group by 1
),

landings as (
    select
        session_key,
        user_pseudo_id,
        ga_session_id,
        ga_session_number,
        page_location as landing_page,
        lower(page_referrer) as referrer,
        sms_click_id,
        coalesce(utm_source, manual_source) as utm_source,
        coalesce(utm_medium, manual_medium) as utm_medium,
        coalesce(utm_campaign, manual_campaign) as utm_campaign,
        coalesce(utm_content, manual_content) as utm_content,
        {{ url_query_param('page_location', 'utm_source') }} as utm_source_raw,
        {{ url_query_param('page_location', 'utm_medium') }} as utm_medium_raw,
        {{ url_query_param('page_location', 'utm_campaign') }} as utm_campaign_raw,
        gclid,
        fbclid,
        {{ url_query_param('page_location', 'msclkid') }} as msclkid,
        {{ url_query_param('page_location', 'ttclid') }} as ttclid,
        {{ url_query_param('page_location', 'aff_click_id') }} as aff_click_id,
        device_category,
        geo_country
    from events_ordered
    where event_order = 1
),

referrers_parsed as (
    select
        *,
        nullif(regexp_extract(referrer, '^[a-z][a-z0-9+.-]*://([^/:?#]+)', 1), '') as referrer_host
    from landings
),

persons_by_browser as (
    select
        identifier_value,
        person_id
    from identifiers_resolved
    where identifier_type = 'ga4_user_pseudo_id'
),

persons_by_customer as (
    select
        identifier_value,
        person_id
    from identifiers_resolved
    where identifier_type = 'shopify_customer_id'
),

sessions_joined as (
    select
        landings.session_key as session_id,
        landings.user_pseudo_id,
        landings.ga_session_id,
        landings.ga_session_number,
        coalesce(persons_by_browser.person_id, persons_by_customer.person_id) as person_id,
        sessions_aggregated.started_at,
        sessions_aggregated.ended_at,
        landings.landing_page,
        landings.referrer,
        landings.referrer_host,
        regexp_replace(landings.referrer_host, '^www[.]', '') as referrer_domain,
        landings.utm_source,
        landings.utm_medium,
        landings.utm_campaign,
        landings.utm_content,
        landings.utm_source_raw,
        landings.utm_medium_raw,
        landings.utm_campaign_raw,
        coalesce(landings.sms_click_id, sessions_aggregated.any_sms_click_id) as sms_click_id,
        landings.gclid,
        landings.fbclid,
        landings.msclkid,
        landings.ttclid,
        landings.aff_click_id,
        sessions_aggregated.events,
        sessions_aggregated.engagement_time_msec,
        sessions_aggregated.is_engaged,
        sessions_aggregated.has_purchase,
        sessions_aggregated.user_id is not null as is_logged_in,
        landings.device_category,
        landings.geo_country
    from referrers_parsed as landings
    inner join sessions_aggregated
        on landings.session_key = sessions_aggregated.session_key
    left join persons_by_browser
        on landings.user_pseudo_id = persons_by_browser.identifier_value
    left join persons_by_customer
        on sessions_aggregated.user_id = persons_by_customer.identifier_value
),

final as (
    select * from sessions_joined
)

select * from final
