-- One row per message that has status callbacks: its current status, the one
-- furthest along the delivery sequence (var('twilio_status_order')), not the last
-- to arrive: Twilio does not guarantee callback order, and a `sent` callback often
-- lands after `delivered`. Each state's first callback time is kept beside it.
with callbacks as (
    select * from {{ ref('stg_twilio__status_callbacks') }}
),

callbacks_ranked as (
    select
        *,
        {{ row_number_over(
            'message_sid',
            [
                'status_rank desc',
                'received_at desc',
                'status_callback_id asc'
            ]
        ) }} as furthest_rank,
        min(case when message_status = 'sent' then received_at end)
            over (partition by message_sid) as first_sent_at,
        min(case when message_status = 'delivered' then received_at end)
            over (partition by message_sid) as first_delivered_at,
        min(case when message_status in ('undelivered', 'failed') then received_at end)
            over (partition by message_sid) as first_failed_at,
        count(*) over (partition by message_sid) as distinct_callbacks
    from callbacks
),

final as (
    select
        message_sid,
        message_status as current_status,
        error_code as current_error_code,
        received_at as current_status_received_at,
        first_sent_at as sent_at,
        first_delivered_at as delivered_at,
        first_failed_at as failed_at,
        distinct_callbacks
    from callbacks_ranked
    where furthest_rank = 1
)

select * from final
