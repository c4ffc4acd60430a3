-- One row per message sent to one subscriber (send_id). Delivery comes from
-- Twilio (intermediate.int_sends_joined: the status furthest along
-- var('twilio_status_order') between the callbacks and the Messages list record;
-- delivered_at is the first `delivered` callback). Twilio reports price as a
-- debit in price_unit (USD for this account), converted to USD with the rate of
-- the send's UTC day, or the latest before it.
-- queued_at_local is the subscriber's wall clock (their IANA time zone), the
-- clock that send-time analysis asks about.
with sends_joined as (
    select * from {{ ref('int_sends_joined') }}
),

fx_rate_periods as (
    select * from {{ ref('int_fx_rate_periods') }}
),

send_rates as (
    select
        sends_joined.send_id,
        fx_rate_periods.rate_to_usd
    from sends_joined
    inner join fx_rate_periods
        on {{ fx_rate_applies(
            'fx_rate_periods',
            'sends_joined.price_currency',
            'cast(coalesce(sends_joined.sent_at, sends_joined.queued_at) as date)'
        ) }}
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
        is_delivered,
        error_code,
        segments,
        cast(price as decimal(18, 4)) as price,
        price_currency,
        cost_usd,
        has_status_callbacks
    from sends_costed
)

select * from final
