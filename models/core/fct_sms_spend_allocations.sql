-- One row per SMS spend line x campaign variant it is allocated to
-- (sms_spend_allocation_id): the spend file's SMS lines other than Twilio's
-- message charges (those are the messages' own price, core.fct_sends.cost_usd),
-- mapped to a campaign and split over its variants by their share of the
-- campaign's sends.
-- Mapping: the line's `campaign` text, trimmed and lower-cased, equals a campaign's
-- campaign_id or its campaign_name (from the campaigns file) lower-cased; a text
-- that names two campaigns, or none (the SMS platform's daily fee has no campaign),
-- maps to none: the line is one row with campaign_id and variant_id null and is
-- reported as unmapped spend, never dropped. A mapped campaign with no sends yet
-- keeps the line unsplit (variant_id null).
with spend as (
    select * from {{ ref('fct_spend') }}
    where channel = 'sms' and not is_message_charge
),

variants as (
    select * from {{ ref('stg_sms_platform__campaign_variants') }}
),

sends as (
    select * from {{ ref('fct_sends') }}
),

campaign_names as (
    select distinct
        campaign_id,
        lower(trim(campaign_id)) as campaign_key
    from variants
    union
    select distinct
        campaign_id,
        lower(trim(campaign_name)) as campaign_key
    from variants
    where campaign_name is not null
),

unambiguous_names as (
    select
        campaign_key,
        max(campaign_id) as campaign_id
    from campaign_names
    group by 1
    having count(distinct campaign_id) = 1
),

spend_mapped as (
    select
        spend.*,
        unambiguous_names.campaign_id
    from spend
    left join unambiguous_names
        on lower(trim(spend.campaign)) = unambiguous_names.campaign_key
),

variant_sends as (
    select
        campaign_id,
        variant_id,
        max(segment) as segment,
        count(*) as sends,
        sum(count(*)) over (partition by campaign_id) as campaign_sends
    from sends
    where campaign_id is not null
    group by 1, 2
),

allocated as (
    select
        spend_mapped.spend_line_id,
        spend_mapped.spend_date,
        spend_mapped.campaign as spend_campaign,
        spend_mapped.campaign_id,
        variant_sends.variant_id,
        variant_sends.segment,
        coalesce(
            cast(variant_sends.sends as {{ api.Column.translate_type('double') }}) / variant_sends.campaign_sends,
            1
        ) as allocation_share,
        spend_mapped.cost_usd,
        spend_mapped.is_converted
    from spend_mapped
    left join variant_sends
        on spend_mapped.campaign_id = variant_sends.campaign_id
),

final as (
    select
        concat(spend_line_id, '|', coalesce(variant_id, '(none)')) as sms_spend_allocation_id,
        spend_line_id,
        spend_date,
        spend_campaign,
        campaign_id,
        variant_id,
        segment,
        campaign_id is not null as is_mapped,
        allocation_share,
        cost_usd * allocation_share as allocated_cost_usd,
        is_converted
    from allocated
)

select * from final
