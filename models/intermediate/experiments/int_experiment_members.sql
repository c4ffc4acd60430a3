-- One row per campaign x subscriber in a campaign's experiment (experiment_member_id):
-- every subscriber the campaign sent to, and every subscriber of its holdout
-- assignments (treatment or control). The global holdout (campaign_id `global`) is
-- not a campaign: int_holdout_groups measures it.
--
-- Group: the assignment's when the holdouts file has one (intention to treat: a
-- control member who was messaged anyway stays control, flagged is_control_messaged),
-- else treatment (sent without an assignment).
-- Variant: the variant of the member's first send (null for members never sent).
--
-- The measurement clock (measured_from) is the member's first send; a member never
-- sent (the control, an assigned member the platform skipped) starts when the
-- campaign's first message to a subscriber of the same time zone was queued (local-time
-- sends), else when the campaign's first message was queued, else at the campaign's
-- scheduled_at. A journey is triggered per subscriber, and the landing zone does not
-- say when its unsent members would have been triggered: their clock is null and
-- they are not measured (clock_source `journey_trigger_unknown`).
--
-- Conversions: every conversion of the member's person (whatever attribution says:
-- that is the point of a holdout) of var('experiment_conversion_types'), inside
-- [measured_from, measured_from + var('experiment_window_days') days), exact to the
-- second. revenue_usd sums them (null revenue counts 0); revenue_usd_squared is its
-- square, for the variance of revenue per recipient.
{%- set window_seconds = var('experiment_window_days') | int * 86400 %}

with sends as (
    select * from {{ ref('int_sends_joined') }}
),

clicks as (
    select * from {{ ref('int_clicks_scored') }}
),

conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
    where conversion_type in ({{ sql_string_list(var('experiment_conversion_types')) }})
),

assignments as (
    select * from {{ ref('stg_sms_platform__holdout_assignments') }}
    where campaign_id <> 'global'
),

subscribers as (
    select * from {{ ref('stg_sms_platform__subscribers') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

campaign_variants as (
    select * from {{ ref('stg_sms_platform__campaign_variants') }}
),

campaigns as (
    select
        campaign_id,
        max(case when is_journey then 1 else 0 end) = 1 as is_journey,
        min(scheduled_at) as scheduled_at
    from campaign_variants
    group by campaign_id
),

subscriber_persons as (
    select
        identifier_value as subscriber_id,
        person_id
    from identifiers
    where identifier_type = 'subscriber_id'
),

human_clicks_by_send as (
    select
        send_id,
        count(*) as human_clicks
    from clicks
    where is_human and send_id is not null
    group by send_id
),

sends_ranked as (
    select
        sends.*,
        coalesce(human_clicks_by_send.human_clicks, 0) as human_clicks,
        row_number() over (
            partition by sends.campaign_id, sends.subscriber_id
            order by sends.queued_at, sends.send_id
        ) as send_rank
    from sends
    left join human_clicks_by_send
        on sends.send_id = human_clicks_by_send.send_id
    where sends.campaign_id is not null and sends.subscriber_id is not null
),

sent_members as (
    select
        campaign_id,
        subscriber_id,
        count(*) as sends,
        min(queued_at) as first_queued_at,
        max(case when send_rank = 1 then variant_id end) as variant_id,
        max(case when send_rank = 1 then person_id end) as person_id,
        max(case when is_delivered then 1 else 0 end) = 1 as is_delivered,
        sum(human_clicks) as human_clicks
    from sends_ranked
    group by campaign_id, subscriber_id
),

first_send_by_time_zone as (
    select
        campaign_id,
        subscriber_timezone,
        min(queued_at) as first_queued_at
    from sends
    where campaign_id is not null
    group by campaign_id, subscriber_timezone
),

first_send_by_campaign as (
    select
        campaign_id,
        min(queued_at) as first_queued_at
    from sends
    where campaign_id is not null
    group by campaign_id
),

members_unioned as (
    select
        coalesce(assignments.campaign_id, sent_members.campaign_id) as campaign_id,
        coalesce(assignments.subscriber_id, sent_members.subscriber_id) as subscriber_id,
        coalesce(assignments.holdout_group, 'treatment') as holdout_group,
        assignments.holdout_assignment_id is not null as is_assigned,
        sent_members.variant_id,
        coalesce(sent_members.sends, 0) as sends,
        sent_members.first_queued_at,
        coalesce(sent_members.is_delivered, false) as is_delivered,
        coalesce(sent_members.human_clicks, 0) as human_clicks,
        sent_members.person_id as sent_person_id
    from assignments
    full outer join sent_members
        on
            assignments.campaign_id = sent_members.campaign_id
            and assignments.subscriber_id = sent_members.subscriber_id
),

members_clocked as (
    select
        members_unioned.*,
        coalesce(members_unioned.sent_person_id, subscriber_persons.person_id) as person_id,
        coalesce(campaigns.is_journey, false) as is_journey,
        case
            when members_unioned.holdout_group = 'treatment' and members_unioned.first_queued_at is not null
                then 'first_send'
            when campaigns.is_journey then 'journey_trigger_unknown'
            when first_send_by_time_zone.first_queued_at is not null then 'time_zone_first_send'
            when first_send_by_campaign.first_queued_at is not null then 'campaign_first_send'
            when campaigns.scheduled_at is not null then 'scheduled_at'
        end as clock_source,
        case
            when members_unioned.holdout_group = 'treatment' and members_unioned.first_queued_at is not null
                then members_unioned.first_queued_at
            when campaigns.is_journey then null
            else coalesce(
                    first_send_by_time_zone.first_queued_at,
                    first_send_by_campaign.first_queued_at,
                    campaigns.scheduled_at
                )
        end as measured_from
    from members_unioned
    left join subscribers
        on members_unioned.subscriber_id = subscribers.subscriber_id
    left join subscriber_persons
        on members_unioned.subscriber_id = subscriber_persons.subscriber_id
    left join campaigns
        on members_unioned.campaign_id = campaigns.campaign_id
    left join first_send_by_time_zone
        on
            members_unioned.campaign_id = first_send_by_time_zone.campaign_id
            and coalesce(subscribers.timezone, 'UTC') = first_send_by_time_zone.subscriber_timezone
    left join first_send_by_campaign
        on members_unioned.campaign_id = first_send_by_campaign.campaign_id
),

members_windowed as (
    select
        *,
        {{ timestamp_add_seconds('measured_from', window_seconds) }} as measured_until
    from members_clocked
),

member_conversions as (
    select
        members_windowed.campaign_id,
        members_windowed.subscriber_id,
        count(*) as conversions,
        sum(coalesce(conversions.revenue_usd, 0)) as revenue_usd
    from members_windowed
    inner join conversions
        on
            members_windowed.person_id = conversions.person_id
            and members_windowed.measured_from <= conversions.converted_at
            and members_windowed.measured_until > conversions.converted_at
    group by members_windowed.campaign_id, members_windowed.subscriber_id
),

final as (
    select
        concat(members_windowed.campaign_id, '|', members_windowed.subscriber_id) as experiment_member_id,
        members_windowed.campaign_id,
        members_windowed.subscriber_id,
        members_windowed.person_id,
        members_windowed.holdout_group,
        members_windowed.holdout_group = 'treatment' as is_treatment,
        members_windowed.is_assigned,
        members_windowed.holdout_group = 'control' and members_windowed.sends > 0 as is_control_messaged,
        members_windowed.is_journey,
        members_windowed.variant_id,
        members_windowed.sends,
        members_windowed.sends > 0 as is_sent,
        members_windowed.is_delivered,
        members_windowed.human_clicks,
        members_windowed.human_clicks > 0 as is_human_clicker,
        members_windowed.clock_source,
        members_windowed.measured_from,
        members_windowed.measured_until,
        members_windowed.measured_from is not null as is_measured,
        coalesce(member_conversions.conversions, 0) as conversions,
        coalesce(member_conversions.conversions, 0) > 0 as is_converter,
        coalesce(member_conversions.revenue_usd, 0) as revenue_usd,
        coalesce(member_conversions.revenue_usd, 0) * coalesce(member_conversions.revenue_usd, 0)
            as revenue_usd_squared
    from members_windowed
    left join member_conversions
        on
            members_windowed.campaign_id = member_conversions.campaign_id
            and members_windowed.subscriber_id = member_conversions.subscriber_id
)

select * from final
