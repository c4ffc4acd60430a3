-- One row per network-side conversion (transaction_id): its latest reported
-- version, since networks re-report a conversion as its status moves from pending
-- to approved or rejected.
with conversions as (
    select * from {{ ref('base_affiliate__conversions') }}
    where _quarantine_reason is null
),

conversions_ranked as (
    select
        *,
        {{ row_number_over('transaction_id', landed='last') }} as version_rank
    from conversions
),

final as (
    select
        transaction_id,
        click_id,
        offer_id,
        event_name,
        payout,
        revenue,
        currency,
        conversion_status,
        converted_at,
        _delivery_date as reported_date,
        _file_path,
        _line_number,
        _loaded_at
    from conversions_ranked
    where version_rank = 1
)

select * from final
