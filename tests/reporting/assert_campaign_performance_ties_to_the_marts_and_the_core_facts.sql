-- rpt_campaign_performance tied back to its sources, per campaign (its variants
-- summed) and model: attributed conversions and revenue equal that model's
-- attribution mart summed over the campaign's touches (read here mart by mart);
-- sends, delivered and human clicks equal core.fct_sends' and core.fct_clicks'
-- counts; and over all rows of a model, spend_cost_usd equals the SMS spend lines
-- of core.fct_spend that are not Twilio's message charges (mapped or not), so no
-- spend is dropped. rpt_segment_performance: the same totals per model. Floats
-- compare to a relative 1e-9 (spend to a cent per line, it is split by shares).
-- Returns every (model, campaign, measure) that disagrees.

with report as (
    select
        attribution_model,
        campaign_id,
        sum(attributed_conversions) as conversions,
        sum(attributed_revenue_usd) as revenue,
        sum(sends) as sends,
        sum(delivered) as delivered,
        sum(human_clicks) as human_clicks
    from {{ ref('rpt_campaign_performance') }}
    where campaign_id <> '(unmapped spend)'
    group by 1, 2
),

marts as (
    {{ attribution_marts_summed('campaign_id') }}
),

sends as (
    select
        campaign_id,
        count(*) as sends,
        sum(case when is_delivered then 1 else 0 end) as delivered
    from {{ ref('fct_sends') }}
    where campaign_id is not null
    group by 1
),

clicks as (
    select
        campaign_id,
        sum(case when is_human then 1 else 0 end) as human_clicks
    from {{ ref('fct_clicks') }}
    where campaign_id is not null
    group by 1
),

spend_total as (
    select sum(cost_usd) as spend
    from {{ ref('fct_spend') }}
    where channel = 'sms' and not is_message_charge and is_converted
),

report_spend as (
    select
        attribution_model,
        sum(spend_cost_usd) as spend,
        count(*) as spend_rows
    from {{ ref('rpt_campaign_performance') }}
    group by 1
),

segment_totals as (
    select
        attribution_model,
        sum(attributed_revenue_usd) as revenue,
        sum(sends) as sends,
        sum(human_clicks) as human_clicks,
        sum(spend_cost_usd) as spend
    from {{ ref('rpt_segment_performance') }}
    group by 1
),

campaign_totals as (
    select
        attribution_model,
        sum(attributed_revenue_usd) as revenue,
        sum(sends) as sends,
        sum(human_clicks) as human_clicks,
        sum(spend_cost_usd) as spend
    from {{ ref('rpt_campaign_performance') }}
    group by 1
),

differences as (
    select
        report.attribution_model,
        report.campaign_id,
        'conversions or revenue' as measure
    from report
    left join marts
        on report.attribution_model = marts.attribution_model and report.campaign_id = marts.campaign_id
    where
        abs(report.conversions - coalesce(marts.conversions, 0)) > 1e-9 * greatest(1, abs(marts.conversions))
        or abs(report.revenue - coalesce(marts.revenue, 0)) > 1e-9 * greatest(1, abs(marts.revenue))
    union all
    select
        marts.attribution_model,
        marts.campaign_id,
        'campaign credited in the mart, missing in the report' as measure
    from marts
    left join report
        on marts.attribution_model = report.attribution_model and marts.campaign_id = report.campaign_id
    where report.campaign_id is null
    union all
    select
        report.attribution_model,
        report.campaign_id,
        'sends, delivered or human clicks' as measure
    from report
    left join sends on report.campaign_id = sends.campaign_id
    left join clicks on report.campaign_id = clicks.campaign_id
    where
        report.sends <> coalesce(sends.sends, 0)
        or report.delivered <> coalesce(sends.delivered, 0)
        or report.human_clicks <> coalesce(clicks.human_clicks, 0)
    union all
    select
        report_spend.attribution_model,
        '(all)' as campaign_id,
        'spend' as measure
    from report_spend
    cross join spend_total
    where abs(report_spend.spend - coalesce(spend_total.spend, 0)) > 0.01 * greatest(1, report_spend.spend_rows)
    union all
    select
        campaign_totals.attribution_model,
        '(all)' as campaign_id,
        'segment totals differ from campaign totals' as measure
    from campaign_totals
    inner join segment_totals on campaign_totals.attribution_model = segment_totals.attribution_model
    where
        abs(campaign_totals.revenue - segment_totals.revenue) > 1e-9 * greatest(1, abs(campaign_totals.revenue))
        or campaign_totals.sends <> segment_totals.sends
        or campaign_totals.human_clicks <> segment_totals.human_clicks
        or abs(campaign_totals.spend - segment_totals.spend) > 1e-9 * greatest(1, abs(campaign_totals.spend))
)

select * from differences
