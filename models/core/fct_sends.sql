-- One row per message sent to one subscriber (send_id). Delivery comes from
-- Twilio: the status is the furthest along var('twilio_status_order') between the
-- status callbacks and the Messages list record (callbacks arrive out of order,
-- and some messages have no callback yet); delivered_at is the first `delivered`
-- callback. Twilio reports price as a debit in price_unit (USD for this account),
-- converted to USD with the rate of the send's UTC day, or the latest before it.
-- queued_at_local is the subscriber's wall clock (their IANA time zone), the
-- clock that send-time analysis asks about.
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

fx_rate_periods as (
    select * from {{ ref('int_fx_rate_periods') }}
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

send_rates as (
    select
        sends_joined.send_id,
        fx_rate_periods.rate_to_usd
    from sends_joined
    inner join fx_rate_periods
        on
            sends_joined.price_currency = fx_rate_periods.currency
            and cast(coalesce(sends_joined.sent_at, sends_joined.queued_at) as date) >= fx_rate_periods.valid_from
            and (
                fx_rate_periods.valid_until is null
                or cast(coalesce(sends_joined.sent_at, sends_joined.queued_at) as date) < fx_rate_periods.valid_until
            )
    where sends_joined.price_currency <> 'USD'
),

sends_costed as (
    select
        sends_joined.*,
        cast(
            sends_joined.price * case
                when sends_joined.price_currency = 'USD' then 1
                else send_rates.rate_to_usd
            end
            as decimal(18, 4)
        ) as cost_usd,
        {{ utc_to_local_timestamp('sends_joined.queued_at', 'sends_joined.subscriber_timezone') }} as queued_at_local
    from sends_joined
    left join send_rates
        on sends_joined.send_id = send_rates.send_id
),

final as (
    select
        send_id,
        campaign_id,
        variant_id,
        segment,
        subscriber_id,
        person_id,
        message_sid,
        short_code,
        queued_at,
        queued_at_local,
        subscriber_timezone,
        sent_at,
        delivered_at,
        failed_at,
        delivery_status,
        coalesce(delivery_status = 'delivered' or delivery_status = 'read', false) as is_delivered,
        error_code,
        segments,
        cast(price as decimal(18, 4)) as price,
        price_currency,
        cost_usd,
        has_status_callbacks
    from sends_costed
)

select * from final
