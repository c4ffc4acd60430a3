-- One row per touch (touchpoint_id): human SMS clicks, web sessions of every
-- channel but SMS, and redeemed SMS coupons (rules in int_touchpoints). The
-- channel is the channel-mapping seed's group; campaign, variant and segment are
-- set for SMS touches only.
with touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

final as (
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
        session_id,
        coupon_code,
        send_id,
        is_scored,
        has_landed,
        is_engaged
    from touchpoints
)

select * from final
