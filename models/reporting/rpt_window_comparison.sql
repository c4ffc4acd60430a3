-- One row per campaign (campaign_id): what 1-, 7- and 30-day click windows would
-- keep and credit, side by side. From the clicks attribution_linear credits (every
-- eligible human SMS click of the lookback and cycle, var('attribution_lookback_days')
-- days): clicked_conversions = conversions with a click of the campaign in the
-- lookback; conversions_within_<w> = those whose latest click of the campaign is at
-- most w before the conversion; share_kept_<w> = conversions_within_<w> /
-- clicked_conversions. conversions_last_click_<w> and revenue_last_click_<w> = the
-- conversions (and their net revenue, USD) whose latest SMS click of any campaign
-- is this campaign's and at most w before the conversion: last SMS click under
-- that window, the rule SMS platforms report by. (The latest click is the one
-- nearest the conversion, so it is the last click inside every window that holds
-- any.) A window longer than the lookback sees no more than the lookback.
with credited as (
    select * from {{ ref('attribution_linear') }}
    where touchpoint_type = 'sms_click' and campaign_id is not null
),

clicks as (
    select
        conversion_id,
        campaign_id,
        attributed_revenue_usd / credit as conversion_revenue_usd,
        {{ dbt.datediff('touched_at', 'converted_at', 'second') }}
            as latency_seconds,
        row_number() over (partition by conversion_id order by touched_at desc, touchpoint_id desc) as click_rank
    from credited
),

latest_by_campaign as (
    select
        conversion_id,
        campaign_id,
        min(latency_seconds) as latency_seconds
    from clicks
    group by 1, 2
),

kept as (
    select
        campaign_id,
        count(*) as clicked_conversions,
        sum(case when latency_seconds <= 86400 then 1 else 0 end) as conversions_within_1d,
        sum(case when latency_seconds <= 604800 then 1 else 0 end) as conversions_within_7d,
        sum(case when latency_seconds <= 2592000 then 1 else 0 end) as conversions_within_30d
    from latest_by_campaign
    group by 1
),

last_clicks as (
    select
        campaign_id,
        sum(case when latency_seconds <= 86400 then 1 else 0 end) as conversions_last_click_1d,
        sum(case when latency_seconds <= 86400 then conversion_revenue_usd else 0 end) as revenue_last_click_1d,
        sum(case when latency_seconds <= 604800 then 1 else 0 end) as conversions_last_click_7d,
        sum(case when latency_seconds <= 604800 then conversion_revenue_usd else 0 end) as revenue_last_click_7d,
        sum(case when latency_seconds <= 2592000 then 1 else 0 end) as conversions_last_click_30d,
        sum(case when latency_seconds <= 2592000 then conversion_revenue_usd else 0 end) as revenue_last_click_30d
    from clicks
    where click_rank = 1
    group by 1
),

final as (
    select
        kept.campaign_id,
        cast(kept.clicked_conversions as {{ api.Column.translate_type('bigint') }}) as clicked_conversions,
        cast(kept.conversions_within_1d as {{ api.Column.translate_type('bigint') }}) as conversions_within_1d,
        {{ safe_ratio('kept.conversions_within_1d', 'kept.clicked_conversions') }} as share_kept_1d,
        cast(kept.conversions_within_7d as {{ api.Column.translate_type('bigint') }}) as conversions_within_7d,
        {{ safe_ratio('kept.conversions_within_7d', 'kept.clicked_conversions') }} as share_kept_7d,
        cast(kept.conversions_within_30d as {{ api.Column.translate_type('bigint') }}) as conversions_within_30d,
        {{ safe_ratio('kept.conversions_within_30d', 'kept.clicked_conversions') }} as share_kept_30d,
        cast(coalesce(last_clicks.conversions_last_click_1d, 0) as {{ api.Column.translate_type('bigint') }})
            as conversions_last_click_1d,
        cast(coalesce(last_clicks.revenue_last_click_1d, 0) as {{ api.Column.translate_type('double') }})
            as revenue_last_click_1d,
        cast(coalesce(last_clicks.conversions_last_click_7d, 0) as {{ api.Column.translate_type('bigint') }})
            as conversions_last_click_7d,
        cast(coalesce(last_clicks.revenue_last_click_7d, 0) as {{ api.Column.translate_type('double') }})
            as revenue_last_click_7d,
        cast(coalesce(last_clicks.conversions_last_click_30d, 0) as {{ api.Column.translate_type('bigint') }})
            as conversions_last_click_30d,
        cast(coalesce(last_clicks.revenue_last_click_30d, 0) as {{ api.Column.translate_type('double') }})
            as revenue_last_click_30d
    from kept
    left join last_clicks
        on kept.campaign_id = last_clicks.campaign_id
)

select * from final
