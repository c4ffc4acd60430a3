-- One row per deduplicated conversion (conversion_id), whatever system reported
-- it: purchases (Shopify orders, postbacks, affiliate networks), HubSpot leads and
-- closed-won deals, and in-store coupon redemptions (offline). revenue is in the
-- reported currency, revenue_usd net of refunds and cancellations; source_systems
-- and dedup_rule say which reports were merged and how
-- (int_conversions_deduplicated).
-- is_attributed: the conversion has at least one eligible touch
-- (intermediate.int_conversion_paths); an unattributed one is in no attribution
-- mart and is counted as unattributed in reporting.
with conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
),

conversion_paths as (
    select * from {{ ref('int_conversion_paths') }}
),

conversions_attributed as (
    select
        conversion_id,
        max(case when is_attributed then 1 else 0 end) = 1 as is_attributed
    from conversion_paths
    group by 1
),

final as (
    select
        conversions.conversion_id,
        conversions.conversion_type,
        conversions.person_id,
        conversions.converted_at,
        conversions.revenue,
        conversions.net_revenue,
        conversions.currency,
        conversions.revenue_usd,
        conversions.is_unknown_currency,
        cast(conversions.affiliate_payout_usd as decimal(18, 4)) as affiliate_payout_usd,
        conversions.source_systems,
        conversions.primary_source_system,
        conversions.primary_report_key,
        conversions.dedup_rule,
        cast(conversions.reports as bigint) as reports,
        cast(conversions.retries as bigint) as retries,
        conversions.sms_click_id,
        conversions.is_refunded,
        conversions.is_cancelled,
        conversions_attributed.is_attributed
    from conversions
    left join conversions_attributed
        on conversions.conversion_id = conversions_attributed.conversion_id
)

select * from final
