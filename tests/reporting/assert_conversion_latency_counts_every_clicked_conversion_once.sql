-- Per campaign, rpt_conversion_latency's buckets add up to its clicked conversions,
-- which are the distinct conversions attribution_linear credits a human click of
-- the campaign with (counted here from the mart), and rpt_window_comparison's
-- clicked_conversions agree with them; and the 30-day last-click conversions are
-- every conversion with a click in 30 days once (its latest SMS click goes to
-- exactly one campaign). Returns each
-- campaign that disagrees.
with latency as (
    select
        campaign_id,
        sum(conversions) as bucketed,
        max(clicked_conversions) as clicked
    from {{ ref('rpt_conversion_latency') }}
    group by 1
),

from_mart as (
    select
        campaign_id,
        count(distinct conversion_id) as clicked
    from {{ ref('attribution_linear') }}
    where touchpoint_type = 'sms_click' and campaign_id is not null
    group by 1
),

windows as (
    select * from {{ ref('rpt_window_comparison') }}
),

clicked_conversions as (
    select count(distinct conversion_id) as conversions
    from {{ ref('attribution_linear') }}
    where
        touchpoint_type = 'sms_click'
        and campaign_id is not null
        and {{ dbt.datediff('touched_at', 'converted_at', 'second') }} <= 2592000
),

last_click_total as (
    select sum(conversions_last_click_30d) as conversions
    from windows
)

select
    coalesce(latency.campaign_id, from_mart.campaign_id) as campaign_id,
    'buckets, clicked conversions or the window comparison differ' as difference
from latency
full outer join from_mart on latency.campaign_id = from_mart.campaign_id
left join windows on coalesce(latency.campaign_id, from_mart.campaign_id) = windows.campaign_id
where
    latency.bucketed is null
    or from_mart.clicked is null
    or latency.bucketed <> latency.clicked
    or latency.clicked <> from_mart.clicked
    or windows.clicked_conversions is null
    or windows.clicked_conversions <> from_mart.clicked
union all
select
    '(all)' as campaign_id,
    '30-day last-click conversions are not every clicked conversion once' as difference
from last_click_total
cross join clicked_conversions
where coalesce(last_click_total.conversions, 0) <> clicked_conversions.conversions
