-- One row per message sent to one subscriber. The send log can repeat a send_id
-- when the platform re-exports a day; the first record landed wins.
with sends as (
    select * from {{ ref('base_sms_platform__sends') }}
    where _quarantine_reason is null
),

sends_ranked as (
    select
        *,
        {{ row_number_over('send_id', landed='first') }} as send_rank
    from sends
),

final as (
    select
        send_id,
        campaign_id,
        variant_id,
        subscriber_id,
        message_sid,
        short_code,
        queued_at,
        _file_path,
        _line_number,
        _loaded_at
    from sends_ranked
    where send_rank = 1
)

select * from final
