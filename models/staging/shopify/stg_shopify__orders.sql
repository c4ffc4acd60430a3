-- One row per paid Shopify order, from its orders/paid webhook. Two kinds of
-- repetition collapse: a retried delivery (the same X-Shopify-Webhook-Id, sent
-- again because the receiver did not acknowledge it in time) is one webhook; and
-- when the same order was sent under more than one webhook id (Shopify re-sends
-- after some order edits), the one triggered last wins, as it carries the order's
-- latest state. Times are converted from the shop's offset to UTC.
with paid_webhooks as (
    select * from {{ ref('base_shopify__webhooks') }}
    where _quarantine_reason is null
        and topic = 'orders/paid'
),

deliveries_ranked as (
    select
        *,
        {{ row_number_over('webhook_id', landed='first') }} as delivery_rank,
        count(*) over (partition by webhook_id) as webhook_deliveries
    from paid_webhooks
),

webhooks_deduplicated as (
    select * from deliveries_ranked
    where delivery_rank = 1
),

orders_ranked as (
    select
        *,
        {{ row_number_over('order_id', ['triggered_at desc'], landed='last') }} as order_rank
    from webhooks_deduplicated
),

final as (
    select
        order_id,
        order_name,
        customer_id,
        email,
        {{ sha256_hex('email') }} as email_sha256,
        phone,
        {{ sha256_hex('phone') }} as phone_sha256,
        created_at,
        processed_at,
        currency,
        total_price,
        subtotal_price,
        total_discounts,
        total_tax,
        financial_status,
        landing_site,
        referring_site,
        sms_click_id,
        aff_click_id,
        discount_code,
        line_item_count,
        webhook_id,
        triggered_at as webhook_triggered_at,
        webhook_deliveries - 1 as webhook_retries,
        _file_path,
        _line_number,
        _loaded_at
    from orders_ranked
    where order_rank = 1
)

select * from final
