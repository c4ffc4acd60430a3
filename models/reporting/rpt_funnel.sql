-- One row per campaign x attribution model x funnel stage (funnel_stage_id): the
-- campaign's messages from sent to revenue. Stages, in order:
-- 1 sent: messages sent (core.fct_sends);
-- 2 delivered: of those, delivered;
-- 3 clicked: messages with at least one human click (core.fct_clicks
--   by send_id; a shared link's click names no message and is not in the funnel);
-- 4 landed: messages with a human click whose landing session was seen;
-- 5 engaged: messages with a human click whose landing was engaged;
-- 6 converted: the conversions the model credits to the campaign's touches (sum of
--   credits, fractional under multi-touch models);
-- 7 revenue: the revenue (USD) the model credits to them.
-- Stages 1-5 count messages: landed is a subset of clicked and engaged of landed;
-- a click on a message whose delivery receipt never came still counts as clicked
-- (carriers' receipts go missing or come late), so clicked can exceed delivered.
-- Per stage: rate_from_previous = value / the previous stage's value and rate_from_sent =
-- value / sent (for revenue: revenue per conversion and revenue per message sent),
-- drop_off = previous value - value (null for revenue, a different unit); a zero
-- denominator gives null. Stages 1-5 are the same under every model.
with sends as (
    select * from {{ ref('fct_sends') }}
    where campaign_id is not null
),

clicks as (
    select * from {{ ref('fct_clicks') }}
    where send_id is not null and is_human
),

credited as (
    {{ attribution_marts_unioned(['campaign_id', 'credit', 'attributed_revenue_usd']) }}
),

attribution_models as (
    {{ attribution_model_names() }}
),

clicks_by_send as (
    select
        send_id,
        max(1) as is_clicked,
        max(case when has_landed then 1 else 0 end) as is_landed,
        max(case when is_landing_engaged then 1 else 0 end) as is_engaged
    from clicks
    group by 1
),

messages as (
    select
        sends.campaign_id,
        count(*) as sent,
        sum(case when sends.is_delivered then 1 else 0 end) as delivered,
        sum(coalesce(clicks_by_send.is_clicked, 0)) as clicked,
        sum(coalesce(clicks_by_send.is_landed, 0)) as landed,
        sum(coalesce(clicks_by_send.is_engaged, 0)) as engaged
    from sends
    left join clicks_by_send
        on sends.send_id = clicks_by_send.send_id
    group by 1
),

credited_by_campaign as (
    select
        attribution_model,
        campaign_id,
        sum(credit) as converted,
        sum(attributed_revenue_usd) as revenue
    from credited
    where campaign_id is not null
    group by 1, 2
),

campaigns as (
    select campaign_id from messages
    union
    select campaign_id from credited_by_campaign
),

wide as (
    select
        campaigns.campaign_id,
        attribution_models.attribution_model,
        cast(coalesce(messages.sent, 0) as {{ api.Column.translate_type('double') }}) as sent,
        cast(coalesce(messages.delivered, 0) as {{ api.Column.translate_type('double') }}) as delivered,
        cast(coalesce(messages.clicked, 0) as {{ api.Column.translate_type('double') }}) as clicked,
        cast(coalesce(messages.landed, 0) as {{ api.Column.translate_type('double') }}) as landed,
        cast(coalesce(messages.engaged, 0) as {{ api.Column.translate_type('double') }}) as engaged,
        cast(coalesce(credited_by_campaign.converted, 0) as {{ api.Column.translate_type('double') }}) as converted,
        cast(coalesce(credited_by_campaign.revenue, 0) as {{ api.Column.translate_type('double') }}) as revenue
    from campaigns
    cross join attribution_models
    left join messages
        on campaigns.campaign_id = messages.campaign_id
    left join credited_by_campaign
        on
            campaigns.campaign_id = credited_by_campaign.campaign_id
            and attribution_models.attribution_model = credited_by_campaign.attribution_model
),

stage_names as (
    select
        stage_list.stage_order,
        stage_list.funnel_stage
    from (
        values
        (1, 'sent'), (2, 'delivered'), (3, 'clicked'), (4, 'landed'), (5, 'engaged'), (6, 'converted'),
        (7, 'revenue')
    ) as stage_list (stage_order, funnel_stage)
),

stages as (
    select
        wide.campaign_id,
        wide.attribution_model,
        stage_names.funnel_stage,
        stage_names.stage_order,
        case stage_names.stage_order
            when 1 then wide.sent
            when 2 then wide.delivered
            when 3 then wide.clicked
            when 4 then wide.landed
            when 5 then wide.engaged
            when 6 then wide.converted
            when 7 then wide.revenue
        end as stage_value,
        case stage_names.stage_order
            when 2 then wide.sent
            when 3 then wide.delivered
            when 4 then wide.clicked
            when 5 then wide.landed
            when 6 then wide.engaged
            when 7 then wide.converted
        end as previous_value,
        wide.sent
    from wide
    cross join stage_names
),

final as (
    select
        concat(campaign_id, '|', attribution_model, '|', funnel_stage) as funnel_stage_id,
        campaign_id,
        attribution_model,
        funnel_stage,
        stage_order,
        stage_value,
        {{ safe_ratio('stage_value', 'previous_value') }} as rate_from_previous,
        {{ safe_ratio('stage_value', 'sent') }} as rate_from_sent,
        case when funnel_stage <> 'revenue' then previous_value - stage_value end as drop_off
    from stages
)

select * from final
