-- One row per cancelled Shopify order, from its orders/cancelled webhook; retried
-- deliveries collapse, and if an order was sent as cancelled more than once the
-- last triggered wins. The order's payment, if any, stays in stg_shopify__orders:
-- a cancellation reverses revenue downstream, it does not delete the order.
with cancellation_webhooks as (
    select * from {{ ref('base_shopify__webhooks') }}
    where _quarantine_reason is null
        and topic = 'orders/cancelled'
),

cancellations_ranked as (
    select
        *,
        {{ row_number_over('order_id', ['triggered_at desc'], landed='last') }} as delivery_rank,
        count(*) over (partition by order_id) as deliveries
    from cancellation_webhooks
),

final as (
    select
        order_id,
        cancelled_at,
        cancel_reason,
        financial_status,
        webhook_id,
        triggered_at as webhook_triggered_at,
        deliveries as webhook_deliveries,
        _file_path,
        _line_number,
        _loaded_at
    from cancellations_ranked
    where delivery_rank = 1
)

select * from final
