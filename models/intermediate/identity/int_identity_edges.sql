-- One row per distinct identity link (edge_id): two identifiers (`<type>:<value>`)
-- that name the same human, and the evidence that says so. The graph is
-- undirected; left_identifier is the smaller of the two, so a link seen from both
-- sides is one edge per evidence.
-- Business rules:
-- * a click on a shared link names no subscriber (the link has no subscriber_id),
--   so it links nobody to a subscriber; its click id still ties together the
--   device that landed with it and the order or contact that carried it on;
-- * only unique coupon codes (those the SMS platform issued to one subscriber)
--   link; generic codes (WELCOME10) name nobody;
-- * only click ids that the redirect server logged link (a made-up or mistyped
--   sms_click_id names nobody);
-- * a shared contact point over-links: an email, phone, click id or coupon code
--   that ties more than var('identity_max_accounts_per_identifier') distinct
--   identifiers of one type (a shop's own email on many orders, a landing URL
--   shared in a forum) gives none of those links.
{%- set max_accounts = var('identity_max_accounts_per_identifier') | int %}

with subscribers as (
    select * from {{ ref('stg_sms_platform__subscribers') }}
),

coupons as (
    select * from {{ ref('stg_sms_platform__coupons') }}
),

clicks as (
    select * from {{ ref('stg_shortlinks__clicks') }}
),

links as (
    select * from {{ ref('stg_shortlinks__links') }}
),

ga4_events as (
    select * from {{ ref('stg_ga4__events') }}
),

orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

contact_versions as (
    -- every accepted version: an sms_click_id property may be overwritten later
    select * from {{ ref('stg_hubspot__contact_versions') }}
),

postbacks as (
    select * from {{ ref('stg_postbacks__conversions') }}
),

pos_redemptions as (
    select * from {{ ref('stg_pos__redemptions') }}
),

clicks_with_subscriber as (
    select
        clicks.click_id,
        links.subscriber_id
    from clicks
    inner join links
        on clicks.short_code = links.short_code
    where not links.is_shared_link
),

edges_listed as (
    select
        concat('subscriber_id:', subscriber_id) as identifier_a,
        concat('phone:', phone_e164) as identifier_b,
        'subscriber_phone' as evidence,
        'stg_sms_platform__subscribers' as source_model
    from subscribers
    where phone_e164 is not null

    union all

    select
        concat('subscriber_id:', subscriber_id) as identifier_a,
        concat('email:', email) as identifier_b,
        'subscriber_email' as evidence,
        'stg_sms_platform__subscribers' as source_model
    from subscribers
    where email is not null

    union all

    select
        concat('coupon_code:', coupon_code) as identifier_a,
        concat('subscriber_id:', subscriber_id) as identifier_b,
        'coupon_issued' as evidence,
        'stg_sms_platform__coupons' as source_model
    from coupons
    where subscriber_id is not null

    union all

    select
        concat('sms_click_id:', click_id) as identifier_a,
        concat('subscriber_id:', subscriber_id) as identifier_b,
        'sms_click_link' as evidence,
        'stg_shortlinks__clicks' as source_model
    from clicks_with_subscriber

    union all

    select
        concat('ga4_user_pseudo_id:', user_pseudo_id) as identifier_a,
        concat('shopify_customer_id:', user_id) as identifier_b,
        'ga4_login' as evidence,
        'stg_ga4__events' as source_model
    from ga4_events
    where user_pseudo_id is not null and user_id is not null

    union all

    select
        concat('ga4_user_pseudo_id:', ga4_events.user_pseudo_id) as identifier_a,
        concat('sms_click_id:', ga4_events.sms_click_id) as identifier_b,
        'sms_click_landing' as evidence,
        'stg_ga4__events' as source_model
    from ga4_events
    inner join clicks
        on ga4_events.sms_click_id = clicks.click_id
    where ga4_events.user_pseudo_id is not null

    union all

    select
        concat('shopify_customer_id:', customer_id) as identifier_a,
        concat('email:', email) as identifier_b,
        'shopify_customer_email' as evidence,
        'stg_shopify__orders' as source_model
    from orders
    where customer_id is not null and email is not null

    union all

    select
        concat('shopify_customer_id:', customer_id) as identifier_a,
        concat('phone:', phone) as identifier_b,
        'shopify_customer_phone' as evidence,
        'stg_shopify__orders' as source_model
    from orders
    where customer_id is not null and phone is not null

    union all

    select
        concat('shopify_customer_id:', orders.customer_id) as identifier_a,
        concat('sms_click_id:', orders.sms_click_id) as identifier_b,
        'order_sms_click' as evidence,
        'stg_shopify__orders' as source_model
    from orders
    inner join clicks
        on orders.sms_click_id = clicks.click_id
    where orders.customer_id is not null

    union all

    select
        concat('shopify_customer_id:', orders.customer_id) as identifier_a,
        concat('coupon_code:', orders.discount_code) as identifier_b,
        'coupon_redemption' as evidence,
        'stg_shopify__orders' as source_model
    from orders
    inner join coupons
        on orders.discount_code = coupons.coupon_code
    where orders.customer_id is not null

    union all

    select
        concat('shopify_customer_id:', orders.customer_id) as identifier_a,
        concat('sms_click_id:', postbacks.click_id) as identifier_b,
        'postback_click' as evidence,
        'stg_postbacks__conversions' as source_model
    from postbacks
    inner join orders
        on postbacks.order_id = orders.order_id
    inner join clicks
        on postbacks.click_id = clicks.click_id
    where postbacks.network = 'brand' and orders.customer_id is not null

    union all

    select
        concat('hubspot_contact_id:', contact_id) as identifier_a,
        concat('email:', email) as identifier_b,
        'hubspot_contact_email' as evidence,
        'stg_hubspot__contact_versions' as source_model
    from contact_versions
    where email is not null

    union all

    select
        concat('hubspot_contact_id:', contact_id) as identifier_a,
        concat('phone:', phone) as identifier_b,
        'hubspot_contact_phone' as evidence,
        'stg_hubspot__contact_versions' as source_model
    from contact_versions
    where phone is not null

    union all

    select
        concat('hubspot_contact_id:', contact_versions.contact_id) as identifier_a,
        concat('sms_click_id:', contact_versions.sms_click_id) as identifier_b,
        'hubspot_sms_click' as evidence,
        'stg_hubspot__contact_versions' as source_model
    from contact_versions
    inner join clicks
        on contact_versions.sms_click_id = clicks.click_id

    union all

    select
        concat('pos_order_ref:', pos_redemptions.order_ref) as identifier_a,
        concat('coupon_code:', pos_redemptions.coupon_code) as identifier_b,
        'coupon_redemption' as evidence,
        'stg_pos__redemptions' as source_model
    from pos_redemptions
    inner join coupons
        on pos_redemptions.coupon_code = coupons.coupon_code
    where pos_redemptions.order_ref is not null
),

edges_oriented as (
    select distinct
        case when identifier_a < identifier_b then identifier_a else identifier_b end as left_identifier,
        case when identifier_a < identifier_b then identifier_b else identifier_a end as right_identifier,
        evidence,
        source_model
    from edges_listed
    where identifier_a <> identifier_b
),

edge_ends as (
    select
        left_identifier as identifier,
        right_identifier as neighbour
    from edges_oriented
    union all
    select
        right_identifier as identifier,
        left_identifier as neighbour
    from edges_oriented
),

identifiers_over_shared as (
    -- a contact point or token that names too many accounts of one kind
    select
        identifier,
        split_part_type as neighbour_type
    from (
        select
            identifier,
            substr(neighbour, 1, instr(neighbour, ':') - 1) as split_part_type,
            neighbour
        from edge_ends
        where substr(identifier, 1, instr(identifier, ':') - 1)
            in ('email', 'phone', 'sms_click_id', 'coupon_code')
    ) as ends_typed
    group by 1, 2
    having count(distinct neighbour) > {{ max_accounts }}
),

edges_kept as (
    select edges_oriented.*
    from edges_oriented
    left join identifiers_over_shared as left_shared
        on edges_oriented.left_identifier = left_shared.identifier
            and substr(edges_oriented.right_identifier, 1, instr(edges_oriented.right_identifier, ':') - 1)
            = left_shared.neighbour_type
    left join identifiers_over_shared as right_shared
        on edges_oriented.right_identifier = right_shared.identifier
            and substr(edges_oriented.left_identifier, 1, instr(edges_oriented.left_identifier, ':') - 1)
            = right_shared.neighbour_type
    where left_shared.identifier is null and right_shared.identifier is null
),

final as (
    select
        {{ sha256_hex("concat_ws('|', left_identifier, right_identifier, evidence)") }} as edge_id,
        left_identifier,
        right_identifier,
        substr(left_identifier, 1, instr(left_identifier, ':') - 1) as left_identifier_type,
        substr(right_identifier, 1, instr(right_identifier, ':') - 1) as right_identifier_type,
        evidence,
        source_model
    from edges_kept
)

select * from final
