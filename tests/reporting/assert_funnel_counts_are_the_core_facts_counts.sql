-- rpt_funnel tied back to the core facts and the marts, per campaign and model:
-- sent and delivered are core.fct_sends' counts; clicked is the number of the
-- campaign's messages with a human click in core.fct_clicks (counted here with
-- exists, not with the model's group by); converted and revenue are the model's
-- attribution mart summed over the campaign's touches (read mart by mart).
-- Returns every (campaign, model, stage) that disagrees.

with funnel as (
    select * from {{ ref('rpt_funnel') }}
),

sends as (
    select * from {{ ref('fct_sends') }}
    where campaign_id is not null
),

clicks as (
    select * from {{ ref('fct_clicks') }}
),

message_counts as (
    select
        campaign_id,
        count(*) as sent,
        sum(case when is_delivered then 1 else 0 end) as delivered,
        sum(
            case when exists (
                select 1 from clicks
                where clicks.send_id = sends.send_id and clicks.is_human
            ) then 1 else 0 end
        ) as clicked
    from sends
    group by 1
),

marts as (
    {{ attribution_marts_summed('campaign_id') }}
),

expected as (
    select
        funnel.funnel_stage_id,
        funnel.stage_value,
        case funnel.funnel_stage
            when 'sent' then coalesce(message_counts.sent, 0)
            when 'delivered' then coalesce(message_counts.delivered, 0)
            when 'clicked' then coalesce(message_counts.clicked, 0)
            when 'converted' then coalesce(marts.conversions, 0)
            when 'revenue' then coalesce(marts.revenue, 0)
        end as expected_value
    from funnel
    left join message_counts on funnel.campaign_id = message_counts.campaign_id
    left join marts
        on funnel.campaign_id = marts.campaign_id and funnel.attribution_model = marts.attribution_model
    where funnel.funnel_stage in ('sent', 'delivered', 'clicked', 'converted', 'revenue')
)

select * from expected
where abs(stage_value - expected_value) > 1e-9 * greatest(1, abs(expected_value))
