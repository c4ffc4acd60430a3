-- One row per unique coupon code: the subscriber and campaign it was issued to.
-- Codes are immutable once issued, so a code exported again keeps its first
-- landed record (a file outside a delivery-day folder counts as landed last, on
-- both engines: Spark would sort a null day first).
with coupons as (
    select * from {{ ref('base_sms_platform__coupons') }}
    where _quarantine_reason is null
),

coupons_ranked as (
    select
        *,
        {{ row_number_over('coupon_code', landed='first') }} as issue_rank
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
