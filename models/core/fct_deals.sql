-- One row per HubSpot deal (deal_id), its latest version (stg_hubspot__deals):
-- the CRM opportunity, whether it is still open, its amount in its currency and
-- in USD, the person it belongs to, and the lead it came from.
-- * person_id: the person of the deal's first associated contact
--   (`hubspot_contact_id:<id>` in int_identifiers_resolved).
-- * lead_conversion_id: the person's latest lead conversion (`lead` in
--   int_conversions_deduplicated) at or before the deal was created: the lead the
--   opportunity grew from, through which reporting.rpt_pipeline credits
--   campaigns with opportunities and open pipeline. Null when the person had no
--   lead by then (a deal created for a contact who never became a lead in our
--   data).
-- * is_closed: closed won (hs_is_closed_won) or in a closed-lost stage (var
--   hubspot_closed_lost_stages, the default pipeline's `closedlost`). HubSpot's
--   closedate is an expected close date on open deals, so it does not decide.
-- * amount_usd: the amount at the rate of the UTC day it closed, for an open deal
--   of the day of its latest version (the amount as it stands), else the latest
--   earlier rate (int_fx_rate_periods); null when no rate is known (is_converted
--   false) or the amount is unknown.
-- * closed_won_conversion_id: the closed-won conversion (`deal:<deal_id>`, in
--   core.fct_conversions) of a won deal.
{%- set closed_lost_stages -%}
    {%- for stage in var('hubspot_closed_lost_stages') %}'{{ stage | lower }}'{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endset %}

with deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

identifiers_resolved as (
    select * from {{ ref('int_identifiers_resolved') }}
),

conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
),

fx_rate_periods as (
    select * from {{ ref('int_fx_rate_periods') }}
),

deals_classified as (
    select
        deals.*,
        identifiers_resolved.person_id,
        coalesce(deals.is_closed_won or lower(deals.dealstage) in ({{ closed_lost_stages }}), false) as is_closed
    from deals
    left join identifiers_resolved
        on concat('hubspot_contact_id:', deals.contact_id) = identifiers_resolved.identifier
),

deals_valued as (
    select
        *,
        cast(case when is_closed then coalesce(closed_at, updated_at) else updated_at end as date) as valued_on
    from deals_classified
),

leads_before_deals as (
    select
        deals_valued.deal_id,
        conversions.conversion_id,
        row_number() over (
            partition by deals_valued.deal_id
            order by conversions.converted_at desc, conversions.conversion_id desc
        ) as lead_rank
    from deals_valued
    inner join conversions
        on
            deals_valued.person_id = conversions.person_id
            and deals_valued.created_at >= conversions.converted_at
    where conversions.conversion_type = 'lead'
),

deal_rates as (
    select
        deals_valued.deal_id,
        fx_rate_periods.rate_to_usd
    from deals_valued
    inner join fx_rate_periods
        on {{ fx_rate_applies('fx_rate_periods', 'deals_valued.currency', 'deals_valued.valued_on') }}
    where deals_valued.currency <> 'USD'
),

won_conversions as (
    select conversion_id from conversions
    where conversion_type = 'closed_won'
),

final as (
    select
        deals_valued.deal_id,
        deals_valued.deal_name,
        deals_valued.contact_id,
        cast(deals_valued.associated_contacts as bigint) as associated_contacts,
        deals_valued.person_id,
        leads_before_deals.conversion_id as lead_conversion_id,
        deals_valued.pipeline,
        deals_valued.dealstage,
        deals_valued.is_closed,
        coalesce(deals_valued.is_closed_won, false) as is_closed_won,
        not deals_valued.is_closed as is_open,
        coalesce(deals_valued.is_archived, false) as is_archived,
        deals_valued.created_at,
        deals_valued.closed_at,
        deals_valued.updated_at,
        cast(deals_valued.amount as decimal(18, 4)) as amount,
        deals_valued.currency,
        deals_valued.is_company_currency,
        deals_valued.valued_on,
        cast(
            deals_valued.amount
            * case when deals_valued.currency = 'USD' then 1 else deal_rates.rate_to_usd end
            as decimal(18, 4)
        ) as amount_usd,
        (deals_valued.currency = 'USD' or deal_rates.rate_to_usd is not null) as is_converted,
        won_conversions.conversion_id as closed_won_conversion_id
    from deals_valued
    left join leads_before_deals
        on
            deals_valued.deal_id = leads_before_deals.deal_id
            and leads_before_deals.lead_rank = 1
    left join deal_rates
        on deals_valued.deal_id = deal_rates.deal_id
    left join won_conversions
        on
            deals_valued.is_closed_won
            and concat('deal:', deals_valued.deal_id) = won_conversions.conversion_id
)

select * from final
