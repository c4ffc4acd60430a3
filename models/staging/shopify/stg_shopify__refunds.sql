-- One row per Shopify refund, from its refunds/create webhook; retried deliveries
-- collapse (the last triggered, then the last landed, wins). refund_amount is the
-- sum of the refund's transactions, which can be more than one (a card and a gift
-- card); a refund without transactions (a restock only) returned 0.
with refund_webhooks as (
    select * from {{ ref('base_shopify__webhooks') }}
    where _quarantine_reason is null
        and topic = 'refunds/create'
),

refunds_ranked as (
    select
        *,
        {{ row_number_over('refund_id', ['triggered_at desc'], landed='last') }} as delivery_rank,
        count(*) over (partition by refund_id) as deliveries
    from refund_webhooks
),

final as (
    select
        refund_id,
        order_id,
        created_at as refunded_at,
        refund_amount,
        currency,
        refund_transaction_count,
        webhook_id,
        triggered_at as webhook_triggered_at,
        deliveries as webhook_deliveries,
        _file_path,
        _line_number,
        _loaded_at
    from refunds_ranked
    where delivery_rank = 1
)

select * from final
