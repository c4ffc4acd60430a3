-- rpt_channel_comparison tied back to its sources, summed over all days: under
-- every model each channel's conversions and revenue are the sums of that
-- model's attribution mart (read here mart by mart), and each channel's cost is
-- the same under every model: the messages' price (core.fct_sends) plus the spend
-- lines that are not Twilio's message charges (fct_spend). Floats compare to
-- a relative 1e-9. Returns every (model, channel, measure) that disagrees.

with report as (
    select
        attribution_model,
        channel,
        sum(attributed_conversions) as conversions,
        sum(attributed_revenue_usd) as revenue,
        sum(cost_usd) as cost
    from {{ ref('rpt_channel_comparison') }}
    group by 1, 2
),

marts as (
    {{ attribution_marts_summed('channel', skip_null=false) }}
),

costs as (
    select
        'sms' as channel,
        sum(cost_usd) as cost
    from {{ ref('fct_sends') }}
    union all
    select
        channel,
        sum(cost_usd) as cost
    from {{ ref('fct_spend') }}
    where not is_message_charge
    group by 1
),

cost_by_channel as (
    select
        channel,
        sum(cost) as cost
    from costs
    group by 1
),

compared as (
    select
        report.attribution_model,
        report.channel,
        report.conversions as report_conversions,
        coalesce(marts.conversions, 0) as mart_conversions,
        report.revenue as report_revenue,
        coalesce(marts.revenue, 0) as mart_revenue,
        report.cost as report_cost,
        coalesce(cost_by_channel.cost, 0) as source_cost
    from report
    left join marts
        on report.attribution_model = marts.attribution_model and report.channel = marts.channel
    left join cost_by_channel
        on report.channel = cost_by_channel.channel
)

select * from compared
where
    abs(report_conversions - mart_conversions) > 1e-9 * greatest(1, abs(mart_conversions))
    or abs(report_revenue - mart_revenue) > 1e-9 * greatest(1, abs(mart_revenue))
    or abs(report_cost - source_cost) > 1e-9 * greatest(1, abs(source_cost))
union all
-- a mart's channel missing from the report
select
    marts.attribution_model,
    marts.channel,
    null as report_conversions,
    marts.conversions as mart_conversions,
    null as report_revenue,
    marts.revenue as mart_revenue,
    null as report_cost,
    null as source_cost
from marts
left join report
    on marts.attribution_model = report.attribution_model and marts.channel = report.channel
where report.channel is null
