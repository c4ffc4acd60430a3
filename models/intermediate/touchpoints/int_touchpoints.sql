-- One row per touch (touchpoint_id), of three kinds:
-- * sms_click: a human click on an SMS short link (touchpoint_id = the click_id,
--   `clk_...`). Bot clicks (scoring.click_bot_scores, via int_clicks_scored) are
--   not touches; a click staged after the scorer ran counts until the next run and
--   carries is_scored = false.
-- * web_session: a GA4 session of any channel but SMS (`ses_<session_id>`). A
--   session that carries an sms_click_id is the landing of that click, not a second
--   touch: it only sets the click's has_landed / is_landing_engaged. An SMS-tagged
--   session without a click id (a forwarded link) is not a touch either: its click
--   was never seen, and SMS touches are clicks.
-- * coupon: a subscriber's unique SMS coupon code that an order or an in-store
--   redemption used (`cpn_<code>`), touched when the code was issued (sent) to
--   its subscriber; campaign from the coupon, variant and segment from the send
--   that carried it (the subscriber's send of that campaign, last queued at or
--   before the issue).
with clicks as (
    select * from {{ ref('int_clicks_joined_to_landings') }}
),

sessions as (
    select * from {{ ref('int_web_sessions_classified') }}
),

coupons as (
    select * from {{ ref('stg_sms_platform__coupons') }}
),

orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

redemptions as (
    select * from {{ ref('stg_pos__redemptions') }}
),

sends as (
    select * from {{ ref('stg_sms_platform__sends') }}
),

campaign_variants as (
    select * from {{ ref('stg_sms_platform__campaign_variants') }}
),

identifiers_resolved as (
    select * from {{ ref('int_identifiers_resolved') }}
),

click_touches as (
    select
        click_id as touchpoint_id,
        'sms_click' as touchpoint_type,
        person_id,
        'sms' as channel,
        campaign_id,
        variant_id,
        segment,
        clicked_at as touched_at,
        click_id as sms_click_id,
        cast(null as {{ api.Column.translate_type('string') }}) as session_id,
        cast(null as {{ api.Column.translate_type('string') }}) as coupon_code,
        send_id,
        is_scored,
        has_landed,
        is_landing_engaged as is_engaged
    from clicks
    where is_human
),

session_touches as (
    select
        concat('ses_', session_id) as touchpoint_id,
        'web_session' as touchpoint_type,
        person_id,
        channel_group as channel,
        cast(null as {{ api.Column.translate_type('string') }}) as campaign_id,
        cast(null as {{ api.Column.translate_type('string') }}) as variant_id,
        cast(null as {{ api.Column.translate_type('string') }}) as segment,
        started_at as touched_at,
        cast(null as {{ api.Column.translate_type('string') }}) as sms_click_id,
        session_id,
        cast(null as {{ api.Column.translate_type('string') }}) as coupon_code,
        cast(null as {{ api.Column.translate_type('string') }}) as send_id,
        true as is_scored,
        true as has_landed,
        is_engaged
    from sessions
    where
        sms_click_id is null
        and channel_group <> 'sms'
),

codes_redeemed as (
    select discount_code as coupon_code from orders
    where discount_code is not null
    union
    select coupon_code from redemptions
    where coupon_code is not null
),

coupons_redeemed as (
    select coupons.*
    from coupons
    inner join codes_redeemed
        on coupons.coupon_code = codes_redeemed.coupon_code
),

coupon_sends_ranked as (
    select
        coupons_redeemed.coupon_code,
        sends.send_id,
        sends.variant_id,
        {{ row_number_over(
            'coupons_redeemed.coupon_code',
            [
                'case when sends.queued_at <= coupons_redeemed.issued_at then 0 else 1 end',
                'sends.queued_at desc',
                'sends.send_id asc'
            ]
        ) }} as send_rank
    from coupons_redeemed
    inner join sends
        on
            coupons_redeemed.subscriber_id = sends.subscriber_id
            and coupons_redeemed.campaign_id = sends.campaign_id
),

coupon_touches as (
    select
        concat('cpn_', coupons_redeemed.coupon_code) as touchpoint_id,
        'coupon' as touchpoint_type,
        persons_by_subscriber.person_id,
        'sms' as channel,
        coupons_redeemed.campaign_id,
        coupon_sends_ranked.variant_id,
        campaign_variants.segment,
        coupons_redeemed.issued_at as touched_at,
        cast(null as {{ api.Column.translate_type('string') }}) as sms_click_id,
        cast(null as {{ api.Column.translate_type('string') }}) as session_id,
        coupons_redeemed.coupon_code,
        coupon_sends_ranked.send_id,
        true as is_scored,
        false as has_landed,
        false as is_engaged
    from coupons_redeemed
    left join coupon_sends_ranked
        on
            coupons_redeemed.coupon_code = coupon_sends_ranked.coupon_code
            and coupon_sends_ranked.send_rank = 1
    left join campaign_variants
        on coupon_sends_ranked.variant_id = campaign_variants.variant_id
    left join identifiers_resolved as persons_by_subscriber
        on
            persons_by_subscriber.identifier_type = 'subscriber_id'
            and coupons_redeemed.subscriber_id = persons_by_subscriber.identifier_value
    where coupons_redeemed.issued_at is not null
),

touches_unioned as (
    select * from click_touches
    union all
    select * from session_touches
    union all
    select * from coupon_touches
),

final as (
    select * from touches_unioned
)

select * from final
