-- One row per GA4 session with its channel group, by the rules of the
-- channel_mapping seed: the lowest-priority rule whose every non-empty condition
-- matches wins, and the seed's last rule matches anything, so every session gets
-- exactly one group. A session that carries an sms_click_id, or is tagged
-- utm_medium=sms, is `sms` (the seed's first rules). The GA4 source category of
-- the session's utm_source, or else of its referrer (host without `www.`, then its
-- second-level name: 'www.google.com' -> 'google'), lets the rules tell organic
-- search from other referrers and social sources from search ones.
with sessions as (
    select * from {{ ref('int_web_sessions') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

ga4_source_categories as (
    select
        lower(source) as source_name,  -- noqa: RF04
        source_category
    from {{ ref('ga4_source_categories') }}
),

sessions_sourced as (
    select
        sessions.*,
        coalesce(
            by_utm_source.source_category,
            by_referrer_domain.source_category,
            by_referrer_name.source_category
        ) as source_category
    from sessions
    left join ga4_source_categories as by_utm_source
        on sessions.utm_source = by_utm_source.source_name
    left join ga4_source_categories as by_referrer_domain
        on sessions.referrer_domain = by_referrer_domain.source_name
    left join ga4_source_categories as by_referrer_name
        on regexp_extract(sessions.referrer_domain, '([^.]+)[.][^.]+$', 1) = by_referrer_name.source_name
),

rules_matched as (
    select
        sessions_sourced.session_id,
        channel_mapping.priority,
        channel_mapping.channel_group,
        {{ row_number_over('sessions_sourced.session_id', ['channel_mapping.priority']) }} as rule_rank
    from sessions_sourced
    cross join channel_mapping
    where
        -- a missing value is '' to the patterns: '%' matches it, '_%' does not
        coalesce(sessions_sourced.utm_medium, '') like channel_mapping.utm_medium_pattern
        and coalesce(sessions_sourced.utm_source, '') like channel_mapping.utm_source_pattern
        and coalesce(sessions_sourced.referrer_domain, '') like channel_mapping.referrer_domain_pattern
        and (
            channel_mapping.source_category = 'any'
            or sessions_sourced.source_category = channel_mapping.source_category
        )
        and (
            channel_mapping.click_id_type = 'any'
            or case channel_mapping.click_id_type
                when 'sms_click_id' then sessions_sourced.sms_click_id
                when 'gclid' then sessions_sourced.gclid
                when 'fbclid' then sessions_sourced.fbclid
                when 'msclkid' then sessions_sourced.msclkid
                when 'ttclid' then sessions_sourced.ttclid
                when 'aff_click_id' then sessions_sourced.aff_click_id
            end is not null
        )
),

sessions_classified as (
    select
        sessions_sourced.*,
        rules_matched.channel_group,
        rules_matched.priority as channel_rule_priority
    from sessions_sourced
    left join rules_matched
        on
            sessions_sourced.session_id = rules_matched.session_id
            and rules_matched.rule_rank = 1
),

final as (
    select * from sessions_classified
)

select * from final
