-- One row per conversion x eligible touch (conversion_path_id), plus one row per
-- conversion that has no eligible touch (touchpoint_id null, is_attributed false):
-- every conversion is in this model, so unattributed ones are counted from the
-- same place as attributed ones; attribution marts read `where is_attributed`.
-- A touch is eligible for a conversion when it is
-- * the conversion's person's (both resolved), or the direct click-id match: the
--   click whose id the conversion carries (sms_click_id), which needs no resolved
--   identity. A coupon touch joins by person: the identity graph resolves a
--   redeemed code (coupon_code identifier) to its subscriber's person;
-- * not after the conversion (touched_at <= converted_at);
-- * inside the lookback window, var('attribution_lookback_days') before the
--   conversion, exact to the second: touched_at >= converted_at - N x 86400 s.
-- Touches are ordered by time (then id) into touch_order.
{%- set lookback_seconds = var('attribution_lookback_days') | int * 86400 %}

with conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

touches_by_person as (
    select
        conversions.conversion_id,
        touchpoints.touchpoint_id,
        false as is_direct_click_match
    from conversions
    inner join touchpoints
        on conversions.person_id = touchpoints.person_id
),

touches_by_click_id as (
    select
        conversions.conversion_id,
        touchpoints.touchpoint_id,
        true as is_direct_click_match
    from conversions
    inner join touchpoints
        on conversions.sms_click_id = touchpoints.sms_click_id
    where touchpoints.touchpoint_type = 'sms_click'
),

touches_matched as (
    select * from touches_by_person
    union all
    select * from touches_by_click_id
),

candidates as (
    select
        conversion_id,
        touchpoint_id,
        max(case when is_direct_click_match then 1 else 0 end) = 1 as is_direct_click_match
    from touches_matched
    group by 1, 2
),

touches_eligible as (
    select
        conversions.conversion_id,
        touchpoints.touchpoint_id,
        candidates.is_direct_click_match
    from candidates
    inner join conversions
        on candidates.conversion_id = conversions.conversion_id
    inner join touchpoints
        on candidates.touchpoint_id = touchpoints.touchpoint_id
    where
        touchpoints.touched_at <= conversions.converted_at
        and touchpoints.touched_at >= {{ timestamp_add_seconds('conversions.converted_at', -lookback_seconds) }}
),

paths_joined as (
    select
        conversions.conversion_id,
        conversions.conversion_type,
        conversions.person_id,
        conversions.converted_at,
        conversions.revenue_usd,
        touchpoints.touchpoint_id,
        touchpoints.touchpoint_type,
        touchpoints.person_id as touch_person_id,
        touchpoints.channel,
        touchpoints.campaign_id,
        touchpoints.variant_id,
        touchpoints.segment,
        touchpoints.touched_at,
        coalesce(touches_eligible.is_direct_click_match, false) as is_direct_click_match,
        touches_eligible.touchpoint_id is not null as is_attributed
    from conversions
    left join touches_eligible
        on conversions.conversion_id = touches_eligible.conversion_id
    left join touchpoints
        on touches_eligible.touchpoint_id = touchpoints.touchpoint_id
),

paths_ordered as (
    select
        concat(conversion_id, '|', coalesce(touchpoint_id, 'none')) as conversion_path_id,
        *,
        case
            when is_attributed
                then {{ row_number_over('conversion_id', ['touched_at', 'touchpoint_id']) }}
        end as touch_order,
        case when is_attributed then count(*) over (partition by conversion_id) else 0 end as touches_in_path,
        {{ dbt.datediff('touched_at', 'converted_at', 'second') }} as seconds_to_conversion  -- noqa: LT05
    from paths_joined
),

final as (
    select
        *,
        touch_order = touches_in_path as is_last_touch
    from paths_ordered
)

select * from final
