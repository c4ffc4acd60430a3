-- One row per unique coupon code: the subscriber and campaign it was issued to.
-- A code issued twice keeps its first issue.
with coupons as (
    select * from {{ ref('base_sms_platform__coupons') }}
    where _quarantine_reason is null
),

coupons_ranked as (
    select
        *,
        row_number() over (
            partition by coupon_code
            order by issued_at, _delivery_date, _file_path, _line_number
        ) as issue_rank
    from coupons
),

final as (
    select
        coupon_code,
        subscriber_id,
        campaign_id,
        issued_at,
        _file_path,
        _line_number,
        _loaded_at
    from coupons_ranked
    where issue_rank = 1
)

select * from final
