-- One row per Twilio message: its latest record in the list pages. A message
-- appears in several pages as it moves through its states; the latest is the one
-- updated last, and between records updated in the same second, the one furthest
-- along the status order.
with messages as (
    select * from {{ ref('base_twilio__messages') }}
    where _quarantine_reason is null
),

messages_ranked as (
    select
        *,
        {{ row_number_over(
            'message_sid',
            ['updated_at desc', twilio_status_rank('message_status') ~ ' desc'],
            landed='last'
        ) }} as version_rank
    from messages
),

final as (
    select
        message_sid,
        to_phone,
        from_phone,
        message_status,
        segments,
        price,
        price_currency,
        error_code,
        created_at,
        sent_at,
        updated_at,
        _file_path,
        _line_number,
        _loaded_at
    from messages_ranked
    where version_rank = 1
)

select * from final
