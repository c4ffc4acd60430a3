-- One row per in-store redemption of a coupon code (store x order x code). An
-- export that repeats a redemption keeps its first record.
with redemptions as (
    select * from {{ ref('base_pos__redemptions') }}
    where _quarantine_reason is null
),

redemptions_keyed as (
    select
        concat_ws('|', store_id, order_ref, coupon_code) as redemption_id,
        *
    from redemptions
),

redemptions_ranked as (
    select
        *,
        {{ row_number_over('redemption_id', landed='first') }} as export_rank
    from redemptions_keyed
),

final as (
    select
        redemption_id,
        store_id,
        order_ref,
        coupon_code,
        amount,
        currency,
        redeemed_at,
        _file_path,
        _line_number,
        _loaded_at
    from redemptions_ranked
    where export_rank = 1
)

select * from final
