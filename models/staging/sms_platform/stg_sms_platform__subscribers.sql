-- One row per subscriber: the latest exported version (the export is
-- incremental, so a later delivery of a subscriber supersedes the earlier one).
-- Personal data stays here; marts use the hashed columns.
with subscribers as (
    select * from {{ ref('base_sms_platform__subscribers') }}
    where _quarantine_reason is null
),

subscribers_ranked as (
    select
        *,
        {{ row_number_over('subscriber_id', landed='last') }} as version_rank
    from subscribers
),

final as (
    select
        subscriber_id,
        phone_e164,
        email,
        {{ sha256_hex('phone_e164') }} as phone_sha256,
        {{ sha256_hex('email') }} as email_sha256,
        coalesce(timezone, 'UTC') as timezone,
        opted_in_at,
        opted_out_at,
        opted_out_at is null as is_subscribed,
        labels,
        _delivery_date as exported_date,
        _file_path,
        _line_number,
        _loaded_at
    from subscribers_ranked
    where version_rank = 1
)

select * from final
