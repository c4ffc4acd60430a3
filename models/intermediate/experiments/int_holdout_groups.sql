-- One row per experiment x group (holdout_group_id `<campaign_id>|<group>`): for every
-- campaign with members, its treatment and its control (intention to treat:
-- int_experiment_members' groups), and for the global holdout (campaign_id `global`)
-- its control (the subscribers the holdouts file marks `global`) and its treatment
-- (every other subscriber of the subscriber export). A group with no member has a row
-- of zeros, so a campaign without a holdout shows as one, with null statistics.
--
-- Measured members only (a journey's unsent members have no clock). The global
-- holdout's window is the whole history: from the first message queued to the data's
-- end (the latest send or conversion in the warehouse); its members' conversions are
-- every conversion of var('experiment_conversion_types') in it.
--
-- is_window_complete: every member's window had ended by the data's end, so later
-- data cannot change the counts; an incomplete window undercounts both groups alike
-- but is still open.
with members as (
    select * from {{ ref('int_experiment_members') }}
    where is_measured
),

conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
    where conversion_type in ({{ sql_string_list(var('experiment_conversion_types')) }})
),

sends as (
    select * from {{ ref('int_sends_joined') }}
),

subscribers as (
    select * from {{ ref('stg_sms_platform__subscribers') }}
),

global_assignments as (
    select * from {{ ref('stg_sms_platform__holdout_assignments') }}
    where campaign_id = 'global' and holdout_group = 'control'
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
    where identifier_type = 'subscriber_id'
),

data_bounds as (
    select
        min(first_queued_at) as first_queued_at,
        greatest(max(last_queued_at), coalesce(max(last_converted_at), max(last_queued_at))) as data_end
    from (
        select
            min(queued_at) as first_queued_at,
            max(queued_at) as last_queued_at,
            cast(null as timestamp) as last_converted_at
        from sends
        union all
        select
            cast(null as timestamp) as first_queued_at,
            cast(null as timestamp) as last_queued_at,
            max(converted_at) as last_converted_at
        from conversions
    ) as bounds
),

global_members as (
    select
        subscribers.subscriber_id,
        identifiers.person_id,
        case when global_assignments.subscriber_id is null then 'treatment' else 'control' end as holdout_group
    from subscribers
    left join global_assignments
        on subscribers.subscriber_id = global_assignments.subscriber_id
    left join identifiers
        on subscribers.subscriber_id = identifiers.identifier_value
),

global_member_conversions as (
    select
        global_members.subscriber_id,
        global_members.holdout_group,
        count(conversions.conversion_id) as conversions,
        sum(coalesce(conversions.revenue_usd, 0)) as revenue_usd
    from global_members
    cross join data_bounds
    left join conversions
        on
            global_members.person_id = conversions.person_id
            and data_bounds.first_queued_at <= conversions.converted_at
            and data_bounds.data_end >= conversions.converted_at
    group by global_members.subscriber_id, global_members.holdout_group
),

campaign_groups as (
    select
        members.campaign_id,
        members.holdout_group,
        max(case when members.is_journey then 1 else 0 end) = 1 as is_journey,
        count(*) as members,
        sum(case when members.is_sent then 1 else 0 end) as members_sent,
        sum(case when members.is_converter then 1 else 0 end) as converters,
        sum(members.conversions) as conversions,
        sum(members.revenue_usd) as revenue_usd,
        sum(members.revenue_usd_squared) as revenue_usd_squared,
        min(members.measured_from) as measured_from,
        max(members.measured_until) as measured_until
    from members
    group by members.campaign_id, members.holdout_group
),

global_groups as (
    select
        'global' as campaign_id,
        global_member_conversions.holdout_group,
        false as is_journey,
        count(*) as members,
        cast(null as bigint) as members_sent,
        sum(case when global_member_conversions.conversions > 0 then 1 else 0 end) as converters,
        sum(global_member_conversions.conversions) as conversions,
        sum(global_member_conversions.revenue_usd) as revenue_usd,
        sum(global_member_conversions.revenue_usd * global_member_conversions.revenue_usd) as revenue_usd_squared,
        min(data_bounds.first_queued_at) as measured_from,
        min(data_bounds.data_end) as measured_until
    from global_member_conversions
    cross join data_bounds
    group by global_member_conversions.holdout_group
),

groups_unioned as (
    select * from campaign_groups
    union all
    select * from global_groups
),

experiments as (
    select
        campaign_id,
        max(case when is_journey then 1 else 0 end) = 1 as is_journey
    from groups_unioned
    group by campaign_id
),

group_names as (
    select 'treatment' as holdout_group
    union all
    select 'control' as holdout_group
),

final as (
    select
        concat(experiments.campaign_id, '|', group_names.holdout_group) as holdout_group_id,
        experiments.campaign_id,
        group_names.holdout_group,
        experiments.campaign_id = 'global' as is_global_holdout,
        experiments.is_journey,
        coalesce(groups_unioned.members, 0) as members,
        groups_unioned.members_sent,
        coalesce(groups_unioned.converters, 0) as converters,
        coalesce(groups_unioned.conversions, 0) as conversions,
        cast(coalesce(groups_unioned.revenue_usd, 0) as double) as revenue_usd,
        cast(coalesce(groups_unioned.revenue_usd_squared, 0) as double) as revenue_usd_squared,
        groups_unioned.measured_from,
        groups_unioned.measured_until,
        coalesce(groups_unioned.measured_until <= data_bounds.data_end, false) as is_window_complete
    from experiments
    cross join group_names
    cross join data_bounds
    left join groups_unioned
        on
            experiments.campaign_id = groups_unioned.campaign_id
            and group_names.holdout_group = groups_unioned.holdout_group
)

select * from final
