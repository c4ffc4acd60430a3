-- One row per Shopify order (order_id), net of its refunds and cancellation, in
-- the order's currency and in USD.
-- * net_revenue = total_price - every refund of the order (refunds/create
--   webhooks, each counted once); a cancelled order nets to zero whatever its
--   refunds say (Shopify sends the cancellation and its refund separately, and the
--   refund may be late or missing).
-- * USD through int_fx_rate_periods: the rate of the order's UTC day, else the
--   latest earlier one. A currency with no rate on or before that day (an unknown
--   code) keeps the order, with revenue_usd null and is_unknown_currency true.
{%- set decimal_type = 'decimal(18,4)' %}

with orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

refunds as (
    select * from {{ ref('stg_shopify__refunds') }}
),

cancellations as (
    select * from {{ ref('stg_shopify__order_cancellations') }}
),

fx_rate_periods as (
    select * from {{ ref('int_fx_rate_periods') }}
),

refunds_per_order as (
    select
        order_id,
        sum(refund_amount) as refunded_amount,
        count(*) as refunds,
        min(refunded_at) as first_refunded_at
    from refunds
    group by 1
),

cancellations_per_order as (
    select
        order_id,
        min(cancelled_at) as cancelled_at
    from cancellations
    group by 1
),

order_rates as (
    select
        orders.order_id,
        fx_rate_periods.valid_from as rate_date,
        fx_rate_periods.rate_to_usd
    from orders
    inner join fx_rate_periods
        on {{ fx_rate_applies('fx_rate_periods', 'orders.currency', 'cast(orders.processed_at as date)') }}
),

orders_netted as (
    select
        orders.order_id,
        orders.customer_id,
        orders.processed_at,
        orders.currency,
        cast(orders.total_price as {{ decimal_type }}) as revenue,
        cast(coalesce(refunds_per_order.refunded_amount, 0) as {{ decimal_type }}) as refunded_amount,
        coalesce(refunds_per_order.refunds, 0) as refunds,
        refunds_per_order.first_refunded_at,
        cancellations_per_order.cancelled_at,
        cancellations_per_order.order_id is not null as is_cancelled,
        coalesce(refunds_per_order.refunded_amount, 0) > 0 as is_refunded,
        order_rates.rate_date as fx_rate_date,
        order_rates.rate_to_usd,
        order_rates.rate_to_usd is null as is_unknown_currency,
        orders.sms_click_id,
        orders.aff_click_id,
        orders.landing_site,
        orders.discount_code,
        orders.webhook_retries
    from orders
    left join refunds_per_order
        on orders.order_id = refunds_per_order.order_id
    left join cancellations_per_order
        on orders.order_id = cancellations_per_order.order_id
    left join order_rates
        on orders.order_id = order_rates.order_id
),

final as (
    select
        *,
        cast(
            case
                when is_cancelled then 0
                else greatest(revenue - refunded_amount, 0)
            end as {{ decimal_type }}
        ) as net_revenue,
        cast(revenue * rate_to_usd as {{ decimal_type }}) as revenue_usd_gross,
        cast(
            case
                when is_cancelled then 0
                else greatest(revenue - refunded_amount, 0)
            end * rate_to_usd as {{ decimal_type }}
        ) as revenue_usd
    from orders_netted
)

select * from final
