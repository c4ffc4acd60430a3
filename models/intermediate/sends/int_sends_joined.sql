-- One row per message sent to one subscriber (send_id), joined to its variant,
-- subscriber and Twilio's record: the delivery status is the furthest along
-- var('twilio_status_order') between the status callbacks and the Messages list
-- record (callbacks arrive out of order, and some messages have no callback yet);
-- delivered_at is the first `delivered` callback. core.fct_sends adds the cost;
-- int_conversion_paths reads the delivered messages as the SMS platform's view
-- touches (sms_delivery).
with sends as (
    select * from {{ ref('stg_sms_platform__sends') }}
),

campaign_variants as (
    select * from {{ ref('stg_sms_platform__campaign_variants') }}
),

subscribers as (
    select * from {{ ref('stg_sms_platform__subscribers') }}
),

messages as (
    select * from {{ ref('stg_twilio__messages') }}
),

message_statuses as (
    select * from {{ ref('stg_twilio__message_statuses') }}
),

identifiers_resolved as (
    select * from {{ ref('int_identifiers_resolved') }}
),

sends_joined as (
    select
        sends.send_id,
        sends.campaign_id,
        sends.variant_id,
        campaign_variants.segment,
        sends.subscriber_id,
        persons_by_subscriber.person_id,
        subscribers.timezone as subscriber_timezone,
        sends.message_sid,
        sends.short_code,
        sends.queued_at,
        coalesce(message_statuses.sent_at, messages.sent_at) as sent_at,
        message_statuses.delivered_at,
        message_statuses.failed_at,
        case
            when {{ twilio_status_rank('message_statuses.current_status') }}
                >= {{ twilio_status_rank('messages.message_status') }}
                then coalesce(message_statuses.current_status, messages.message_status)
            else messages.message_status
        end as delivery_status,
        coalesce(message_statuses.current_error_code, messages.error_code) as error_code,
        messages.segments,
        messages.price,
        messages.price_currency,
        message_statuses.message_sid is not null as has_status_callbacks
    from sends
    left join campaign_variants
        on sends.variant_id = campaign_variants.variant_id
    left join subscribers
        on sends.subscriber_id = subscribers.subscriber_id
    left join messages
        on sends.message_sid = messages.message_sid
    left join message_statuses
        on sends.message_sid = message_statuses.message_sid
    left join identifiers_resolved as persons_by_subscriber
        on
            persons_by_subscriber.identifier_type = 'subscriber_id'
            and sends.subscriber_id = persons_by_subscriber.identifier_value
),

final as (
    select
        *,
        coalesce(delivery_status = 'delivered' or delivery_status = 'read', false) as is_delivered
    from sends_joined
)

select * from final
