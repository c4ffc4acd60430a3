-- One row per distinct postback: network x event x order_id x click_id. A retry
-- repeats the same query; it collapses to the first received, whose receipt time is
-- the conversion's. A network that later re-sends the postback with a new status
-- (pending, then approved) collapses the same way; latest_status keeps the status
-- of the last one received.
with postbacks as (
    select * from {{ ref('base_postbacks__requests') }}
    where _quarantine_reason is null
),

postbacks_keyed as (
    select
        {{ sha256_hex("concat_ws('|', network, event_name, order_id, coalesce(click_id, ''))") }} as postback_id,
        *
    from postbacks
),

postbacks_ranked as (
    select
        *,
        {{ row_number_over('postback_id', ['received_at'], landed='first') }} as receipt_rank,
        first_value(status) over (
            partition by postback_id
            order by received_at desc, _delivery_date desc, _file_path desc, _line_number desc
        ) as latest_status,
        count(*) over (partition by postback_id) as requests
    from postbacks_keyed
),

final as (
    select
        postback_id,
        received_at,
        network,
        event_name,
        click_id,
        order_id,
        amount,
        payout,
        currency,
        status,
        latest_status,
        requests - 1 as retries,
        http_method,
        request_path,
        remote_addr,
        user_agent,
        _file_path,
        _line_number,
        _loaded_at
    from postbacks_ranked
    where receipt_rank = 1
)

select * from final
