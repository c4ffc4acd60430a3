-- One row per GA4 web event. GA4 gives events no id: event_id is the SHA-256 of
-- the exported row, so a row exported again (a re-run export, the daily table
-- overlapping the intraday one) collapses to the first landed. A session is GA4's
-- own: user_pseudo_id (one browser) with ga_session_id (the session's start, in
-- seconds), which is only unique per browser.
with events as (
    select * from {{ ref('base_ga4__events') }}
    where _quarantine_reason is null
),

events_keyed as (
    select
        {{ sha256_hex('_record') }} as event_id,
        *
    from events
),

events_ranked as (
    select
        *,
        {{ row_number_over('event_id', landed='first') }} as export_rank
    from events_keyed
),

final as (
    select
        event_id,
        event_at,
        event_date,
        event_name,
        user_pseudo_id,
        user_id,
        ga_session_id,
        ga_session_number,
        case
            when user_pseudo_id is not null and ga_session_id is not null
                then concat(user_pseudo_id, '|', cast(ga_session_id as {{ api.Column.translate_type('string') }}))
        end as session_key,
        page_location,
        page_referrer,
        sms_click_id,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        manual_source,
        manual_medium,
        manual_campaign,
        manual_content,
        gclid,
        fbclid,
        engagement_time_msec,
        coalesce(session_engaged_text = '1', false) as is_session_engaged,
        device_category,
        device_operating_system,
        device_browser,
        geo_country,
        geo_region,
        geo_city,
        transaction_id,
        purchase_revenue,
        currency,
        _file_path,
        _line_number,
        _loaded_at
    from events_ranked
    where export_rank = 1
)

select * from final
