-- One row per campaign x latency bucket (conversion_latency_id): how long after
-- its latest human click of the campaign each conversion came, so a marketer can
-- choose the click window. A conversion counts once per campaign it has an eligible
-- SMS click of (the clicks attribution_linear credits: every eligible touch of the
-- lookback and the conversion cycle, var('attribution_lookback_days') days), at
-- the delay from the latest such click. Buckets (bucket_order): under 5 minutes,
-- 5-60 minutes, 1-6 hours, 6-24 hours, 1-3 days, 3-7 days, 7-14 days, 14-30 days,
-- over 30 days; every campaign with a clicked conversion has all nine rows.
-- share_of_conversions = conversions / the campaign's clicked conversions;
-- cumulative_share = the share at or under the bucket's upper bound.
-- reporting.rpt_window_comparison has the share each 1-, 7- and 30-day window
-- keeps and the revenue each would attribute.
with credited as (
    select * from {{ ref('attribution_linear') }}
    where touchpoint_type = 'sms_click' and campaign_id is not null
),

buckets as (
    select
        bucket_list.bucket_order,
        bucket_list.latency_bucket,
        bucket_list.lower_seconds,
        bucket_list.upper_seconds
    from (
        values
        (1, 'under 5 minutes', 0, 300),
        (2, '5-60 minutes', 300, 3600),
        (3, '1-6 hours', 3600, 21600),
        (4, '6-24 hours', 21600, 86400),
        (5, '1-3 days', 86400, 259200),
        (6, '3-7 days', 259200, 604800),
        (7, '7-14 days', 604800, 1209600),
        (8, '14-30 days', 1209600, 2592000),
        (9, 'over 30 days', 2592000, null)
    ) as bucket_list (bucket_order, latency_bucket, lower_seconds, upper_seconds)
),

latest_clicks as (
    select
        conversion_id,
        campaign_id,
        max(converted_at) as converted_at,
        max(touched_at) as clicked_at
    from credited
    group by 1, 2
),

latencies as (
    select
        conversion_id,
        campaign_id,
        {{ dbt.datediff('clicked_at', 'converted_at', 'second') }}
            as latency_seconds
    from latest_clicks
),

bucketed as (
    select
        latencies.campaign_id,
        buckets.bucket_order,
        count(*) as conversions
    from latencies
    inner join buckets
        on
            latencies.latency_seconds >= buckets.lower_seconds
            and (buckets.upper_seconds is null or latencies.latency_seconds < buckets.upper_seconds)
    group by 1, 2
),

campaign_totals as (
    select
        campaign_id,
        count(*) as clicked_conversions
    from latencies
    group by 1
),

counted as (
    select
        campaign_totals.campaign_id,
        campaign_totals.clicked_conversions,
        buckets.bucket_order,
        buckets.latency_bucket,
        buckets.lower_seconds,
        buckets.upper_seconds,
        coalesce(bucketed.conversions, 0) as conversions
    from campaign_totals
    cross join buckets
    left join bucketed
        on
            campaign_totals.campaign_id = bucketed.campaign_id
            and buckets.bucket_order = bucketed.bucket_order
),

cumulated as (
    select
        *,
        sum(conversions) over (
            partition by campaign_id order by bucket_order rows between unbounded preceding and current row
        ) as conversions_up_to_bucket
    from counted
),

final as (
    select
        concat(campaign_id, '|', cast(bucket_order as {{ api.Column.translate_type('string') }}))
            as conversion_latency_id,
        campaign_id,
        bucket_order,
        latency_bucket,
        lower_seconds,
        upper_seconds,
        cast(conversions as {{ api.Column.translate_type('bigint') }}) as conversions,
        cast(clicked_conversions as {{ api.Column.translate_type('bigint') }}) as clicked_conversions,
        {{ safe_ratio('conversions', 'clicked_conversions') }} as share_of_conversions,
        {{ safe_ratio('conversions_up_to_bucket', 'clicked_conversions') }} as cumulative_share
    from cumulated
)

select * from final
