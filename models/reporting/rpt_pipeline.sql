-- One row per SMS campaign x attribution model (pipeline_id): the CRM pipeline the
-- campaign's messages earned under that model.
-- * leads: the credit the model gives the campaign's SMS touches in lead
--   conversions (HubSpot contacts entering the `lead` stage);
-- * opportunities: deals (core.fct_deals, archived ones left out), each credited
--   as the lead it grew from (fct_deals.lead_conversion_id) is credited under the
--   model: a deal whose lead the model gives 0.5 to the campaign is half an
--   opportunity of it. A deal with no lead before it, or whose lead no SMS touch
--   earned, is no campaign's;
-- * open_opportunities and pipeline_influenced_usd: the same for open deals, and
--   credit x their amount in USD (open_opportunities_without_amount_usd: the
--   credit of open deals whose USD amount is unknown, not in the sum);
-- * closed_won_deals and closed_won_revenue_usd: the model's own credit for the
--   campaign in closed-won conversions (attribution mart rows of conversion_type
--   `closed_won`: the touches before the deal closed), so they equal the mart;
-- * cost: the campaign's SMS cost (macros/sms_campaign_costs.sql), the same under
--   every model; cost_per_lead = cost_usd / leads, cost_per_opportunity = cost_usd
--   / opportunities, lead_to_opportunity_rate = opportunities / leads, each null
--   when the denominator is 0.
-- Every campaign with a send, a cost or a credit has a row under every model of
-- var('attribution_models'); unmapped SMS spend is its own row ('(unmapped spend)').
with credited as (
    {{ attribution_marts_unioned(['conversion_id', 'conversion_type', 'campaign_id', 'credit',
                                  'attributed_revenue_usd']) }}
),

deals as (
    select * from {{ ref('fct_deals') }}
    where not is_archived
),

attribution_models as (
    {{ attribution_model_names() }}
),

costs as (
    {{ sms_campaign_costs(['campaign_id']) }}
),

campaign_credits as (
    select * from credited
    where campaign_id is not null
),

leads_measured as (
    select
        attribution_model,
        campaign_id,
        sum(case when conversion_type = 'lead' then credit else 0 end) as leads,
        sum(case when conversion_type = 'closed_won' then credit else 0 end) as closed_won_deals,
        sum(case when conversion_type = 'closed_won' then attributed_revenue_usd else 0 end)
            as closed_won_revenue_usd
    from campaign_credits
    where conversion_type in ('lead', 'closed_won')
    group by 1, 2
),

opportunities_measured as (
    select
        campaign_credits.attribution_model,
        campaign_credits.campaign_id,
        sum(campaign_credits.credit) as opportunities,
        sum(case when deals.is_open then campaign_credits.credit else 0 end) as open_opportunities,
        sum(case when deals.is_open then campaign_credits.credit * deals.amount_usd else 0 end)
            as pipeline_influenced_usd,
        sum(case when deals.is_open and deals.amount_usd is null then campaign_credits.credit else 0 end)
            as open_opportunities_without_amount_usd
    from deals
    inner join campaign_credits
        on deals.lead_conversion_id = campaign_credits.conversion_id
    group by 1, 2
),

campaign_keys as (
    select campaign_id from costs
    union
    select campaign_id from leads_measured
    union
    select campaign_id from opportunities_measured
),

measured as (
    select
        campaign_keys.campaign_id,
        attribution_models.attribution_model,
        coalesce(leads_measured.leads, 0) as leads,
        coalesce(opportunities_measured.opportunities, 0) as opportunities,
        coalesce(opportunities_measured.open_opportunities, 0) as open_opportunities,
        coalesce(opportunities_measured.pipeline_influenced_usd, 0) as pipeline_influenced_usd,
        coalesce(opportunities_measured.open_opportunities_without_amount_usd, 0)
            as open_opportunities_without_amount_usd,
        coalesce(leads_measured.closed_won_deals, 0) as closed_won_deals,
        coalesce(leads_measured.closed_won_revenue_usd, 0) as closed_won_revenue_usd,
        coalesce(costs.message_cost_usd, 0) as message_cost_usd,
        coalesce(costs.spend_cost_usd, 0) as spend_cost_usd,
        coalesce(costs.cost_usd, 0) as cost_usd,
        coalesce(costs.unconverted_spend_lines, 0) as unconverted_spend_lines
    from campaign_keys
    cross join attribution_models
    left join costs
        on campaign_keys.campaign_id = costs.campaign_id
    left join leads_measured
        on
            campaign_keys.campaign_id = leads_measured.campaign_id
            and attribution_models.attribution_model = leads_measured.attribution_model
    left join opportunities_measured
        on
            campaign_keys.campaign_id = opportunities_measured.campaign_id
            and attribution_models.attribution_model = opportunities_measured.attribution_model
)

select
    concat(campaign_id, '|', attribution_model) as pipeline_id,
    campaign_id,
    attribution_model,
    cast(leads as {{ api.Column.translate_type('double') }}) as leads,
    cast(opportunities as {{ api.Column.translate_type('double') }}) as opportunities,
    cast(open_opportunities as {{ api.Column.translate_type('double') }}) as open_opportunities,
    cast(pipeline_influenced_usd as {{ api.Column.translate_type('double') }}) as pipeline_influenced_usd,
    cast(open_opportunities_without_amount_usd as {{ api.Column.translate_type('double') }})
        as open_opportunities_without_amount_usd,
    cast(closed_won_deals as {{ api.Column.translate_type('double') }}) as closed_won_deals,
    cast(closed_won_revenue_usd as {{ api.Column.translate_type('double') }}) as closed_won_revenue_usd,
    cast(message_cost_usd as decimal(18, 4)) as message_cost_usd,
    cast(spend_cost_usd as decimal(18, 4)) as spend_cost_usd,
    cast(cost_usd as decimal(18, 4)) as cost_usd,
    cast(unconverted_spend_lines as {{ api.Column.translate_type('bigint') }}) as unconverted_spend_lines,
    {{ safe_ratio('cost_usd', 'leads') }} as cost_per_lead,
    {{ safe_ratio('cost_usd', 'opportunities') }} as cost_per_opportunity,
    {{ safe_ratio('opportunities', 'leads') }} as lead_to_opportunity_rate
from measured
