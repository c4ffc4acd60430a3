-- One row per campaign x UTC day of the clicks: raw clicks beside human and bot
-- clicks, how many clicks each bot reason fired on (a click counts under every
-- reason it has), and the suspicious sources behind the bots: the networks
-- (security gateway or cloud provider, else a /24 or /48 prefix, never an
-- address) of bot clicks flagged for their network or address, and the user-agent
-- families of all bot clicks, three most frequent each. Clicks on unknown short
-- codes have no campaign (campaign_id null). Reads core.fct_clicks, so a click,
-- a human click and a landing mean here what they mean in every mart.
-- The reason codes are the registry's (orchestration/sms_attribution/scoring/
-- reasons.py); a Python test keeps this list and the contract in step with it.
{%- set reason_codes = [
    'ua_preview_fetcher', 'ua_bot_pattern', 'ua_missing', 'prefetch_request', 'head_request',
    'instant_click', 'ip_burst', 'security_gateway_ip', 'datacenter_ip', 'ip_high_volume',
    'ua_high_volume', 'repeat_clicks', 'never_landed', 'expired_link', 'unknown_link',
] %}
{%- set network_reasons = ['security_gateway_ip', 'datacenter_ip', 'ip_burst', 'ip_high_volume', 'repeat_clicks'] %}
{%- set string_type = api.Column.translate_type('string') %}

with clicks as (
    select * from {{ ref('fct_clicks') }}
),

-- the core fact of clicks, as every other mart counts them (has_landed: a GA4
-- session carried the click id)
clicks_scored as (
    select
        campaign_id,
        cast(clicked_at as date) as clicked_date,
        is_human,
        is_bot,
        has_landed,
        is_scored,
        bot_reasons as reasons,
        bot_ua_family as ua_family,
        bot_ip_network as ip_network,
        scoring_version
    from clicks
),

clicks_by_day as (
    select
        campaign_id,
        clicked_date,
        count(*) as raw_clicks,
        count(case when is_human then 1 end) as human_clicks,
        count(case when is_bot then 1 end) as bot_clicks,
        count(case when is_human and has_landed then 1 end) as human_landed_clicks,
        count(case when not is_scored then 1 end) as unscored_clicks,
        {%- for code in reason_codes %}
            count(case when concat(';', reasons, ';') like '%;{{ code }};%' then 1 end) as {{ code }}_clicks,
        {%- endfor %}
        max(scoring_version) as scoring_version
    from clicks_scored
    group by 1, 2
),

bot_networks_ranked as (
    select
        campaign_id,
        clicked_date,
        ip_network,
        count(*) as network_clicks,
        {{ row_number_over(['campaign_id', 'clicked_date'], ['count(*) desc', 'ip_network']) }} as network_rank
    from clicks_scored
    where
        is_bot
        and ip_network is not null
        and (
            {%- for code in network_reasons %}
                concat(';', reasons, ';') like '%;{{ code }};%'{% if not loop.last %} or{% endif %}
            {%- endfor %}
        )
    group by 1, 2, 3
),

bot_networks as (
    select
        campaign_id,
        clicked_date,
        {{ dbt.listagg(
            "concat(ip_network, ' (', cast(network_clicks as " ~ string_type ~ "), ')')",
            "'; '",
            "order by network_clicks desc, ip_network"
        ) }} as top_bot_networks
    from bot_networks_ranked
    where network_rank <= 3
    group by 1, 2
),

bot_ua_families_ranked as (
    select
        campaign_id,
        clicked_date,
        ua_family,
        count(*) as family_clicks,
        {{ row_number_over(['campaign_id', 'clicked_date'], ['count(*) desc', 'ua_family']) }} as family_rank
    from clicks_scored
    where is_bot and ua_family is not null
    group by 1, 2, 3
),

bot_ua_families as (
    select
        campaign_id,
        clicked_date,
        {{ dbt.listagg(
            "concat(ua_family, ' (', cast(family_clicks as " ~ string_type ~ "), ')')",
            "'; '",
            "order by family_clicks desc, ua_family"
        ) }} as top_bot_ua_families
    from bot_ua_families_ranked
    where family_rank <= 3
    group by 1, 2
),

final as (
    select
        concat(
            coalesce(clicks_by_day.campaign_id, '(none)'), '|',
            cast(clicks_by_day.clicked_date as {{ string_type }})
        ) as bot_traffic_id,
        clicks_by_day.campaign_id,
        clicks_by_day.clicked_date,
        clicks_by_day.raw_clicks,
        clicks_by_day.human_clicks,
        clicks_by_day.bot_clicks,
        cast(clicks_by_day.bot_clicks as double) / clicks_by_day.raw_clicks as bot_click_share,
        clicks_by_day.human_landed_clicks,
        clicks_by_day.unscored_clicks,
        {%- for code in reason_codes %}
            clicks_by_day.{{ code }}_clicks,
        {%- endfor %}
        bot_networks.top_bot_networks,
        bot_ua_families.top_bot_ua_families,
        clicks_by_day.scoring_version
    from clicks_by_day
    left join bot_networks
        on clicks_by_day.clicked_date = bot_networks.clicked_date
            and coalesce(clicks_by_day.campaign_id, '') = coalesce(bot_networks.campaign_id, '')
    left join bot_ua_families
        on clicks_by_day.clicked_date = bot_ua_families.clicked_date
            and coalesce(clicks_by_day.campaign_id, '') = coalesce(bot_ua_families.campaign_id, '')
)

select * from final
