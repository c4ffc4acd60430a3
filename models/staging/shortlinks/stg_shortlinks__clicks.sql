-- One row per HTTP request to a short link, bots included: clicks are scored
-- downstream, never dropped here. A request logged twice (the same click_id)
-- collapses to the first landed.
with clicks as (
    select * from {{ ref('base_shortlinks__clicks') }}
    where _quarantine_reason is null
),

clicks_ranked as (
    select
        *,
        {{ row_number_over('click_id', landed='first') }} as click_rank
    from clicks
),

final as (
    select
        click_id,
        request_id,
        short_code,
        requested_at,
        http_method,
        http_status,
        ip_address,
        user_agent,
        referer,
        accept_language,
        sec_purpose,
        redirect_location,
        http_status = 410 as is_expired_link,
        location_click_id is not null and location_click_id <> click_id as has_mismatched_location,
        -- late data: the click's day is before the day its log file was delivered
        {{ dbt.datediff('cast(requested_at as date)', '_delivery_date', 'day') }} as delivery_lag_days,  -- noqa: LT05
        _file_path,
        _line_number,
        _loaded_at
    from clicks_ranked
    where click_rank = 1
)

select * from final
