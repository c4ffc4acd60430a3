-- One row per campaign x variant of the campaigns file (variant_id): the sums an A/B
-- test needs, over the variant's recipients (treatment members whose first message
-- was this variant; int_experiment_members). A variant nobody was sent has a row of
-- zeros (its statistics are null, not an error).
--
-- The control variant: the campaigns file has no control column, so it is the one
-- variant whose name contains "control" (any case); when no variant or more than one
-- does, the campaign's first variant_id in sort order (control_rule says which).
--
-- recipients: members sent the variant; delivered: of them, reached the phone;
-- human_clickers: of them, clicked at least once as a human; converters: converted
-- at least once inside the measurement window. revenue_usd_squared sums each
-- recipient's squared window revenue (the variance from sums).
with members as (
    select * from {{ ref('int_experiment_members') }}
    where is_treatment and is_sent and variant_id is not null
),

campaign_variants as (
    select * from {{ ref('stg_sms_platform__campaign_variants') }}
    where campaign_id <> 'global'
),

variants_named as (
    select
        campaign_id,
        variant_id,
        variant_name,
        is_journey,
        coalesce(lower(variant_name) like '%control%', false) as is_named_control,
        sum(case when coalesce(lower(variant_name) like '%control%', false) then 1 else 0 end)
            over (partition by campaign_id) as named_controls,
        row_number() over (partition by campaign_id order by variant_id) as variant_order
    from campaign_variants
),

variants_controlled as (
    select
        *,
        case when named_controls = 1 then 'variant_name' else 'first_variant_id' end as control_rule,
        case when named_controls = 1 then is_named_control else variant_order = 1 end as is_control_variant
    from variants_named
),

variant_sums as (
    select
        campaign_id,
        variant_id,
        count(*) as recipients,
        sum(case when is_delivered then 1 else 0 end) as delivered,
        sum(human_clicks) as human_clicks,
        sum(case when is_human_clicker then 1 else 0 end) as human_clickers,
        sum(case when is_converter then 1 else 0 end) as converters,
        sum(conversions) as conversions,
        sum(revenue_usd) as revenue_usd,
        sum(revenue_usd_squared) as revenue_usd_squared
    from members
    group by campaign_id, variant_id
),

final as (
    select
        variants_controlled.variant_id,
        variants_controlled.campaign_id,
        variants_controlled.variant_name,
        variants_controlled.is_journey,
        variants_controlled.is_control_variant,
        variants_controlled.control_rule,
        max(case when variants_controlled.is_control_variant then variants_controlled.variant_id end)
            over (partition by variants_controlled.campaign_id) as control_variant_id,
        coalesce(variant_sums.recipients, 0) as recipients,
        coalesce(variant_sums.delivered, 0) as delivered,
        coalesce(variant_sums.human_clicks, 0) as human_clicks,
        coalesce(variant_sums.human_clickers, 0) as human_clickers,
        coalesce(variant_sums.converters, 0) as converters,
        coalesce(variant_sums.conversions, 0) as conversions,
        cast(coalesce(variant_sums.revenue_usd, 0) as double) as revenue_usd,
        cast(coalesce(variant_sums.revenue_usd_squared, 0) as double) as revenue_usd_squared
    from variants_controlled
    left join variant_sums
        on
            variants_controlled.campaign_id = variant_sums.campaign_id
            and variants_controlled.variant_id = variant_sums.variant_id
)

select * from final
