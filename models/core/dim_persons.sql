-- One row per resolved person (person_id, int_identifiers_resolved). Public, so
-- no personal data: phones and emails only as SHA-256 hashes; subscriber,
-- Shopify customer and HubSpot contact ids are ids, kept. Where a person has
-- several of one kind (two devices, a second email) the smallest is shown and the
-- count says how many. timezone is the subscriber's (UTC when unknown);
-- first_seen_at is the earliest of the subscriber's opt-in, the HubSpot
-- contact's creation, the first Shopify order and the first GA4 event.
with identifiers_resolved as (
    select * from {{ ref('int_identifiers_resolved') }}
),

subscribers as (
    select * from {{ ref('stg_sms_platform__subscribers') }}
),

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

ga4_events as (
    select * from {{ ref('stg_ga4__events') }}
),

identifiers_summarised as (
    select
        person_id,
        min(case when identifier_type = 'subscriber_id' then identifier_value end) as subscriber_id,
        min(case when identifier_type = 'shopify_customer_id' then identifier_value end) as shopify_customer_id,
        min(case when identifier_type = 'hubspot_contact_id' then identifier_value end) as hubspot_contact_id,
        min(case when identifier_type = 'phone' then identifier_value end) as phone,
        min(case when identifier_type = 'email' then identifier_value end) as email,
        count(*) as identifier_count,
        sum(case when identifier_type = 'subscriber_id' then 1 else 0 end) as subscriber_count,
        sum(case when identifier_type = 'shopify_customer_id' then 1 else 0 end) as shopify_customer_count,
        sum(case when identifier_type = 'hubspot_contact_id' then 1 else 0 end) as hubspot_contact_count,
        sum(case when identifier_type = 'phone' then 1 else 0 end) as phone_count,
        sum(case when identifier_type = 'email' then 1 else 0 end) as email_count,
        sum(case when identifier_type = 'ga4_user_pseudo_id' then 1 else 0 end) as device_count
    from identifiers_resolved
    group by 1
),

first_seen_by_identifier as (
    select
        concat('subscriber_id:', subscriber_id) as identifier,
        opted_in_at as seen_at
    from subscribers
    union all
    select
        concat('hubspot_contact_id:', contact_id) as identifier,
        created_at as seen_at
    from contacts
    union all
    select
        concat('shopify_customer_id:', customer_id) as identifier,
        min(processed_at) as seen_at
    from orders
    where customer_id is not null
    group by 1
    union all
    select
        concat('ga4_user_pseudo_id:', user_pseudo_id) as identifier,
        min(event_at) as seen_at
    from ga4_events
    where user_pseudo_id is not null
    group by 1
),

first_seen_per_person as (
    select
        identifiers_resolved.person_id,
        min(first_seen_by_identifier.seen_at) as first_seen_at
    from first_seen_by_identifier
    inner join identifiers_resolved
        on first_seen_by_identifier.identifier = identifiers_resolved.identifier
    group by 1
),

final as (
    select
        identifiers_summarised.person_id,
        identifiers_summarised.subscriber_id,
        identifiers_summarised.shopify_customer_id,
        identifiers_summarised.hubspot_contact_id,
        {{ sha256_hex('identifiers_summarised.phone') }} as phone_sha256,
        {{ sha256_hex('identifiers_summarised.email') }} as email_sha256,
        coalesce(subscribers.timezone, 'UTC') as timezone,
        first_seen_per_person.first_seen_at,
        identifiers_summarised.subscriber_id is not null as is_subscriber,
        cast(identifiers_summarised.identifier_count as bigint) as identifier_count,
        cast(identifiers_summarised.subscriber_count as bigint) as subscriber_count,
        cast(identifiers_summarised.shopify_customer_count as bigint) as shopify_customer_count,
        cast(identifiers_summarised.hubspot_contact_count as bigint) as hubspot_contact_count,
        cast(identifiers_summarised.phone_count as bigint) as phone_count,
        cast(identifiers_summarised.email_count as bigint) as email_count,
        cast(identifiers_summarised.device_count as bigint) as device_count
    from identifiers_summarised
    left join subscribers
        on identifiers_summarised.subscriber_id = subscribers.subscriber_id
    left join first_seen_per_person
        on identifiers_summarised.person_id = first_seen_per_person.person_id
)

select * from final
