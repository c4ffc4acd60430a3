-- rpt_pipeline tied back to its sources, per campaign and model: leads and
-- closed-won deals and revenue equal that model's attribution mart summed over the
-- campaign's touches in lead and closed_won conversions (read here mart by mart);
-- opportunities and open pipeline equal each lead's credit to the campaign times
-- the deals (and open USD amount) core.fct_deals counts for that lead, aggregated
-- per lead before the join (the mart joins deal by deal); cost equals
-- rpt_campaign_performance's cost of the campaign's variants under the same model.
-- Floats compare to a relative 1e-9. Returns every (model, campaign, measure) that
-- disagrees.
with report as (
    select * from {{ ref('rpt_pipeline') }}
),

leads as (
    {{ attribution_marts_summed('campaign_id', where="conversion_type = 'lead'") }}
),

closed_won as (
    {{ attribution_marts_summed('campaign_id', where="conversion_type = 'closed_won'") }}
),

deals_per_lead as (
    select
        lead_conversion_id,
        count(*) as deals,
        sum(case when is_open then 1 else 0 end) as open_deals,
        sum(case when is_open then coalesce(amount_usd, 0) else 0 end) as open_amount_usd
    from {{ ref('fct_deals') }}
    where not is_archived and lead_conversion_id is not null
    group by 1
),

lead_credits as (
    {%- for model in var('attribution_models') %}
    select
        '{{ model }}' as attribution_model,
        campaign_id,
        conversion_id,
        sum(credit) as credit
    from {{ ref('attribution_' ~ model) }}
    where conversion_type = 'lead' and campaign_id is not null
    group by 1, 2, 3
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

opportunities as (
    select
        lead_credits.attribution_model,
        lead_credits.campaign_id,
        sum(lead_credits.credit * deals_per_lead.deals) as opportunities,
        sum(lead_credits.credit * deals_per_lead.open_deals) as open_opportunities,
        sum(lead_credits.credit * deals_per_lead.open_amount_usd) as pipeline_usd
    from lead_credits
    inner join deals_per_lead
        on lead_credits.conversion_id = deals_per_lead.lead_conversion_id
    group by 1, 2
),

campaign_costs as (
    select
        attribution_model,
        campaign_id,
        sum(cost_usd) as cost_usd
    from {{ ref('rpt_campaign_performance') }}
    group by 1, 2
),

compared as (
    select
        report.attribution_model,
        report.campaign_id,
        report.leads,
        coalesce(leads.conversions, 0) as expected_leads,
        report.closed_won_deals,
        coalesce(closed_won.conversions, 0) as expected_closed_won_deals,
        report.closed_won_revenue_usd,
        coalesce(closed_won.revenue, 0) as expected_closed_won_revenue_usd,
        report.opportunities,
        coalesce(opportunities.opportunities, 0) as expected_opportunities,
        report.open_opportunities,
        coalesce(opportunities.open_opportunities, 0) as expected_open_opportunities,
        report.pipeline_influenced_usd,
        coalesce(opportunities.pipeline_usd, 0) as expected_pipeline_influenced_usd,
        report.cost_usd,
        campaign_costs.cost_usd as expected_cost_usd
    from report
    left join leads
        on report.attribution_model = leads.attribution_model and report.campaign_id = leads.campaign_id
    left join closed_won
        on report.attribution_model = closed_won.attribution_model and report.campaign_id = closed_won.campaign_id
    left join opportunities
        on
            report.attribution_model = opportunities.attribution_model
            and report.campaign_id = opportunities.campaign_id
    left join campaign_costs
        on
            report.attribution_model = campaign_costs.attribution_model
            and report.campaign_id = campaign_costs.campaign_id
),

differences as (
    select
        attribution_model,
        campaign_id,
        'a measure differs from its source' as measure
    from compared
    where
        abs(leads - expected_leads) > 1e-9 * greatest(1, abs(expected_leads))
        or abs(closed_won_deals - expected_closed_won_deals) > 1e-9 * greatest(1, abs(expected_closed_won_deals))
        or abs(closed_won_revenue_usd - expected_closed_won_revenue_usd)
        > 1e-9 * greatest(1, abs(expected_closed_won_revenue_usd))
        or abs(opportunities - expected_opportunities) > 1e-9 * greatest(1, abs(expected_opportunities))
        or abs(open_opportunities - expected_open_opportunities)
        > 1e-9 * greatest(1, abs(expected_open_opportunities))
        or abs(pipeline_influenced_usd - expected_pipeline_influenced_usd)
        > 1e-9 * greatest(1, abs(expected_pipeline_influenced_usd))
        or expected_cost_usd is null
        or cost_usd <> expected_cost_usd
    union all
    select
        leads.attribution_model,
        leads.campaign_id,
        'campaign with credited leads missing in the report' as measure
    from leads
    left join report
        on leads.attribution_model = report.attribution_model and leads.campaign_id = report.campaign_id
    where report.campaign_id is null
)

select * from differences
