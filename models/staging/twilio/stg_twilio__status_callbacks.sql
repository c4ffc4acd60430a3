-- One row per distinct status callback: a message x status (x error code). Twilio
-- retries a callback it thinks was not received; the retries collapse to the
-- first received.
{%- set error_code_text = "coalesce(cast(error_code as " ~ api.Column.translate_type('string') ~ "), '')" %}

with callbacks as (
    select * from {{ ref('base_twilio__status_callbacks') }}
    where _quarantine_reason is null
),

callbacks_keyed as (
    select
        {{ sha256_hex("concat_ws('|', message_sid, message_status, " ~ error_code_text ~ ")") }} as status_callback_id,
        *
    from callbacks
),

callbacks_ranked as (
    select
        *,
        {{ row_number_over('status_callback_id', ['received_at'], landed='first') }} as retry_rank,
        count(*) over (partition by status_callback_id) as deliveries
    from callbacks_keyed
),

final as (
    select
        status_callback_id,
        message_sid,
        message_status,
        {{ twilio_status_rank('message_status') }} as status_rank,
        error_code,
        to_phone,
        from_phone,
        account_sid,
        received_at,
        deliveries - 1 as retries,
        _file_path,
        _line_number,
        _loaded_at
    from callbacks_ranked
    where retry_rank = 1
)

select * from final
