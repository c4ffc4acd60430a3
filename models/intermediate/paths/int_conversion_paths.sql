-- One row per conversion x candidate touch (conversion_path_id), plus one row per
-- conversion without any candidate (touchpoint_id null, is_attributed false): every
-- conversion is here, so unattributed ones are counted from the same place as
-- attributed ones. Every attribution mart reads this model; the eligibility rules
-- live here once.
--
-- A candidate touch of a conversion is
-- * the conversion's person's touch (both resolved), or the direct click-id match
--   (the click whose id the conversion carries, which needs no resolved identity),
--   or the SMS coupon the conversion redeemed (its code);
-- * not after the conversion (touched_at <= converted_at);
-- * after the previous conversion of the same cycle of the same person
--   (conversion cycles: var('attribution_conversion_cycles') maps each conversion
--   type to its cycle; a touch at or before a person's first order is not eligible
--   for the second; a lead does not cut a deal's path). Conversions of one person
--   and cycle at the same instant are ordered by conversion_id;
-- * inside the widest window any model uses for its type (the lookback or the SMS
--   platform's click window; the view window for a delivery), applied in the
--   join, so the join's cost follows the touches inside windows, not a person's
--   history.
-- The SMS coupon a conversion redeemed is a candidate whatever the window and the
-- cycle (the SMS platform's rule); for the touch-based models it is eligible only
-- like any other touch.
--
-- Delivered messages (Twilio status delivered, delivered_at from the first
-- `delivered` callback) are `sms_delivery` candidates for the SMS platform's view
-- only (is_sms_platform_eligible); no other model sees them.
--
-- is_eligible: the touch-based models' rule (every touch type but sms_delivery,
-- inside the cycle, at most var('attribution_lookback_days') x 86400 s before the
-- conversion, exact to the second). touch_order and touches_in_path number the
-- eligible touches by (touched_at, touchpoint_id); is_attributed: the conversion has
-- at least one eligible touch.
{%- set lookback_seconds = attribution_window_seconds('lookback') %}
{%- set click_window_seconds = attribution_window_seconds('sms_click') %}
{%- set view_window_seconds = attribution_window_seconds('sms_view') %}
{%- set widest_seconds = [lookback_seconds, click_window_seconds] | max %}
{%- set string_type = api.Column.translate_type('string') %}

with conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

sends as (
    select * from {{ ref('int_sends_joined') }}
),

conversions_typed as (
    select
        conversion_id,
        conversion_type,
        person_id,
        converted_at,
        revenue_usd,
        sms_click_id,
        coupon_code,
        {{ conversion_cycle('conversion_type') }} as conversion_cycle
    from conversions
),

conversions_cycled as (
    select
        *,
        case
            when person_id is not null
                then lag(converted_at) over (partition by person_id, conversion_cycle order by converted_at, conversion_id)
        end as previous_converted_at
    from conversions_typed
),

delivery_touches as (
    select
        concat('dlv_', send_id) as touchpoint_id,
        'sms_delivery' as touchpoint_type,
        person_id,
        'sms' as channel,
        campaign_id,
        variant_id,
        segment,
        delivered_at as touched_at,
        cast(null as {{ string_type }}) as sms_click_id,
        cast(null as {{ string_type }}) as coupon_code
    from sends
    where
        is_delivered
        and delivered_at is not null
        and person_id is not null
),

touches_of_models as (
    select
        touchpoint_id,
        touchpoint_type,
        person_id,
        channel,
        campaign_id,
        variant_id,
        segment,
        touched_at,
        sms_click_id,
        coupon_code
    from touchpoints
),

touches as (
    select * from touches_of_models
    union all
    select * from delivery_touches
),

touches_by_person as (
    select
        conversions_cycled.conversion_id,
        touches.touchpoint_id,
        0 as is_direct_click_match,
        0 as is_coupon_redeemed
    from conversions_cycled
    inner join touches_of_models as touches
        on
            conversions_cycled.person_id = touches.person_id
            and {{ touch_inside_cycle_and_window('conversions_cycled', 'touches', widest_seconds) }}
),

touches_by_click_id as (
    select
        conversions_cycled.conversion_id,
        touches.touchpoint_id,
        1 as is_direct_click_match,
        0 as is_coupon_redeemed
    from conversions_cycled
    inner join touches_of_models as touches
        on
            conversions_cycled.sms_click_id = touches.sms_click_id
            and touches.touchpoint_type = 'sms_click'
            and {{ touch_inside_cycle_and_window('conversions_cycled', 'touches', widest_seconds) }}
),

deliveries_by_person as (
    select
        conversions_cycled.conversion_id,
        delivery_touches.touchpoint_id,
        0 as is_direct_click_match,
        0 as is_coupon_redeemed
    from conversions_cycled
    inner join delivery_touches
        on
            conversions_cycled.person_id = delivery_touches.person_id
            and {{ touch_inside_cycle_and_window('conversions_cycled', 'delivery_touches', view_window_seconds) }}
),

touches_by_coupon as (
    select
        conversions_cycled.conversion_id,
        touches.touchpoint_id,
        0 as is_direct_click_match,
        1 as is_coupon_redeemed
    from conversions_cycled
    inner join touches_of_models as touches
        on
            conversions_cycled.coupon_code = touches.coupon_code
            and touches.touchpoint_type = 'coupon'
            and conversions_cycled.converted_at >= touches.touched_at
),

touches_matched as (
    select * from touches_by_person
    union all
    select * from touches_by_click_id
    union all
    select * from deliveries_by_person
    union all
    select * from touches_by_coupon
),

candidates as (
    select
        conversion_id,
        touchpoint_id,
        max(is_direct_click_match) = 1 as is_direct_click_match,
        max(is_coupon_redeemed) = 1 as is_coupon_redeemed
    from touches_matched
    group by 1, 2
),

paths_joined as (
    select
        conversions_cycled.conversion_id,
        conversions_cycled.conversion_type,
        conversions_cycled.conversion_cycle,
        conversions_cycled.person_id,
        conversions_cycled.converted_at,
        conversions_cycled.previous_converted_at,
        conversions_cycled.revenue_usd,
        touches.touchpoint_id,
        touches.touchpoint_type,
        touches.person_id as touch_person_id,
        touches.channel,
        touches.campaign_id,
        touches.variant_id,
        touches.segment,
        touches.touched_at,
        coalesce(candidates.is_direct_click_match, false) as is_direct_click_match,
        coalesce(candidates.is_coupon_redeemed, false) as is_coupon_redeemed,
        {{ dbt.datediff('touches.touched_at', 'conversions_cycled.converted_at', 'second') }}
            as seconds_to_conversion,
        (
            conversions_cycled.previous_converted_at is null
            or touches.touched_at > conversions_cycled.previous_converted_at
        ) as is_inside_cycle
    from conversions_cycled
    left join candidates
        on conversions_cycled.conversion_id = candidates.conversion_id
    left join touches
        on candidates.touchpoint_id = touches.touchpoint_id
),

paths_flagged as (
    select
        *,
        coalesce(
            touchpoint_type <> 'sms_delivery'
            and is_inside_cycle
            and seconds_to_conversion <= {{ lookback_seconds }},
            false
        ) as is_eligible,
        coalesce(
            is_coupon_redeemed
            or (
                touchpoint_type = 'sms_click'
                and is_inside_cycle
                and seconds_to_conversion <= {{ click_window_seconds }}
            )
            or (
                touchpoint_type = 'sms_delivery'
                and is_inside_cycle
                and seconds_to_conversion <= {{ view_window_seconds }}
            ),
            false
        ) as is_sms_platform_eligible
    from paths_joined
),

paths_ordered as (
    select
        concat(conversion_id, '|', coalesce(touchpoint_id, 'none')) as conversion_path_id,
        *,
        max(case when is_eligible then 1 else 0 end) over (partition by conversion_id) = 1 as is_attributed,
        case
            when is_eligible
                then {{ row_number_over(['conversion_id', 'is_eligible'], ['touched_at', 'touchpoint_id']) }}
        end as touch_order,
        sum(case when is_eligible then 1 else 0 end) over (partition by conversion_id) as touches_in_path
    from paths_flagged
),

final as (
    select
        *,
        coalesce(touch_order = touches_in_path, false) as is_last_touch
    from paths_ordered
)

select * from final
