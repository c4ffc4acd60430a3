-- One row per landed Shopify webhook delivery, its headers and body parsed and
-- checked. The body is an order (orders/paid, orders/cancelled) or a refund
-- (refunds/create), so order_id is the body's `id` for an order and its `order_id`
-- for a refund. Shopify retries a delivery it did not see acknowledged with the
-- same X-Shopify-Webhook-Id; retries are rows here and collapse in staging.
-- Shopify quirks: prices are strings, times carry the shop's UTC offset, and the
-- SMS click id is in the landing_site query or, when the storefront keeps it in the
-- cart, in a note attribute named `sms_click_id` (an affiliate network's own click
-- id, `aff_click_id`, the same two ways).
{%- set topics = ['orders/paid', 'orders/cancelled', 'refunds/create'] %}
{#- the order's own contact fields, else its customer's #}
{%- set order_email = "coalesce("
    ~ json_text('record_json', '$.body.email') ~ ", "
    ~ json_text('record_json', '$.body.customer.email') ~ ")" %}
{%- set order_phone = "coalesce("
    ~ json_text('record_json', '$.body.phone') ~ ", "
    ~ json_text('record_json', '$.body.customer.phone') ~ ")" %}

with source as (
    select * from {{ source('shopify', 'shopify_orders') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        lower({{ json_text('record_json', '$.headers.X-Shopify-Topic') }}) as topic,
        {{ json_text('record_json', '$.headers.X-Shopify-Webhook-Id') }} as webhook_id,
        {{ json_text('record_json', '$.headers.X-Shopify-Triggered-At') }} as triggered_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.headers.X-Shopify-Triggered-At')) }} as triggered_at,
        {{ json_text('record_json', '$.headers.X-Shopify-Shop-Domain') }} as shop_domain,
        {{ json_text('record_json', '$.body.id') }} as body_id,
        {{ json_text('record_json', '$.body.order_id') }} as body_order_id,
        {{ json_text('record_json', '$.body.name') }} as order_name,
        {{ json_text('record_json', '$.body.customer.id') }} as customer_id,
        {{ normalize_email(order_email) }} as email,
        {{ normalize_phone(order_phone) }} as phone,
        {{ json_text('record_json', '$.body.created_at') }} as created_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.body.created_at')) }} as created_at,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.body.processed_at')) }} as processed_at,
        {{ json_text('record_json', '$.body.cancelled_at') }} as cancelled_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.body.cancelled_at')) }} as cancelled_at,
        lower({{ json_text('record_json', '$.body.cancel_reason') }}) as cancel_reason,
        -- a refund has no currency of its own: its transactions carry it
        upper(coalesce(
            {{ json_text('record_json', '$.body.currency') }},
            {{ json_text('record_json', '$.body.transactions[0].currency') }}
        )) as currency,
        {{ json_text('record_json', '$.body.total_price') }} as total_price_text,
        {{ try_cast(json_text('record_json', '$.body.total_price'), 'decimal(18, 4)') }} as total_price,
        {{ json_text('record_json', '$.body.subtotal_price') }} as subtotal_price_text,
        {{ try_cast(json_text('record_json', '$.body.subtotal_price'), 'decimal(18, 4)') }} as subtotal_price,
        {{ json_text('record_json', '$.body.total_discounts') }} as total_discounts_text,
        {{ try_cast(json_text('record_json', '$.body.total_discounts'), 'decimal(18, 4)') }} as total_discounts,
        {{ json_text('record_json', '$.body.total_tax') }} as total_tax_text,
        {{ try_cast(json_text('record_json', '$.body.total_tax'), 'decimal(18, 4)') }} as total_tax,
        lower({{ json_text('record_json', '$.body.financial_status') }}) as financial_status,
        {{ json_text('record_json', '$.body.landing_site') }} as landing_site,
        {{ json_text('record_json', '$.body.referring_site') }} as referring_site,
        coalesce(
            {{ url_query_param(json_text('record_json', '$.body.landing_site'), 'sms_click_id') }},
            nullif(trim({{ json_array_find('record_json', '$.body.note_attributes', '$.name', 'sms_click_id', '$.value') }}), '')
        ) as sms_click_id,
        coalesce(
            {{ url_query_param(json_text('record_json', '$.body.landing_site'), 'aff_click_id') }},
            nullif(trim({{ json_array_find('record_json', '$.body.note_attributes', '$.name', 'aff_click_id', '$.value') }}), '')
        ) as aff_click_id,
        upper({{ json_text('record_json', '$.body.discount_codes[0].code') }}) as discount_code,
        {{ json_array_length('record_json', '$.body.line_items') }} as line_item_count,
        {{ json_array_length('record_json', '$.body.transactions') }} as refund_transaction_count,
        {{ json_array_sum('record_json', '$.body.transactions', '$.amount') }} as refund_transactions_amount,
        {{ raw_metadata_columns() }}
    from records
),

topics_resolved as (
    select
        *,
        case when topic = 'refunds/create' then body_order_id else body_id end as order_id,
        case when topic = 'refunds/create' then body_id end as refund_id,
        -- a refund with no transactions (a restock or a note only) returned no money
        case
            when topic = 'refunds/create' and coalesce(refund_transaction_count, 0) = 0
                then cast(0 as decimal(18, 4))
            when topic = 'refunds/create' then refund_transactions_amount
        end as refund_amount
    from parsed
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when topic is null then 'missing_topic'
            when topic not in ('{{ topics | join("', '") }}') then 'unknown_topic'
            when webhook_id is null then 'missing_webhook_id'
            when triggered_at_text is null then 'missing_triggered_at'
            when triggered_at is null then 'invalid_triggered_at'
            when order_id is null then 'missing_order_id'
            when topic = 'refunds/create' and refund_id is null then 'missing_refund_id'
            when created_at_text is null then 'missing_created_at'
            when created_at is null then 'invalid_created_at'
            when topic = 'refunds/create' and refund_amount is null then 'invalid_refund_amount'
            when topic = 'orders/cancelled' and cancelled_at_text is null then 'missing_cancelled_at'
            when topic = 'orders/cancelled' and cancelled_at is null then 'invalid_cancelled_at'
            when topic = 'orders/paid' and total_price_text is null then 'missing_total_price'
            when topic = 'orders/paid' and total_price is null then 'invalid_total_price'
            when topic = 'orders/paid' and subtotal_price_text is not null and subtotal_price is null then 'invalid_subtotal_price'
            when topic = 'orders/paid' and total_discounts_text is not null and total_discounts is null then 'invalid_total_discounts'
            when topic = 'orders/paid' and total_tax_text is not null and total_tax is null then 'invalid_total_tax'
            when topic = 'orders/paid' and currency is null then 'missing_currency'
        end as _quarantine_reason
    from topics_resolved
)

select * from checked
