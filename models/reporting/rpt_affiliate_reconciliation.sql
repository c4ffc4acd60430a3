-- One row per UTC day x affiliate network x offer (affiliate_reconciliation_id):
-- our received conversion postbacks against the network's report, counted from
-- core.fct_affiliate_transactions (its header states the matching key, the
-- network, offer and day rules, and the FX). A dashboard's totals over days or
-- networks are sums of these columns; the match rate over them is
-- sum(matched_transactions) / sum(network_transactions), never an average of rows.
with affiliate_transactions as (
    select * from {{ ref('fct_affiliate_transactions') }}
),

transactions_counted as (
    select
        report_date,
        network,
        offer_id,
        sum(case when on_our_side then 1 else 0 end) as our_transactions,
        sum(case when on_network_side then 1 else 0 end) as network_transactions,
        sum(case when is_matched then 1 else 0 end) as matched_transactions,
        sum(case when on_our_side and not on_network_side then 1 else 0 end) as missing_on_network_side,
        sum(case when on_network_side and not on_our_side then 1 else 0 end) as missing_on_our_side,
        sum(case when is_order_unconfirmed then 1 else 0 end) as unconfirmed_order_postbacks,
        sum(case when has_unconverted_payout then 1 else 0 end) as unconverted_payout_transactions,
        coalesce(sum(our_payout_usd), 0) as our_payout_usd,
        coalesce(sum(network_payout_usd), 0) as network_payout_usd,
        coalesce(sum(case when is_matched then our_payout_usd end), 0) as matched_our_payout_usd,
        coalesce(sum(case when is_matched then network_payout_usd end), 0) as matched_network_payout_usd,
        coalesce(sum(case when is_order_unconfirmed then our_payout_usd end), 0) as unconfirmed_order_payout_usd
    from affiliate_transactions
    group by 1, 2, 3
),

final as (
    select
        concat(
            cast(report_date as {{ api.Column.translate_type('string') }}), '|', network, '|', offer_id
        ) as affiliate_reconciliation_id,
        report_date,
        network,
        offer_id,
        cast(our_transactions as {{ api.Column.translate_type('bigint') }}) as our_transactions,
        cast(network_transactions as {{ api.Column.translate_type('bigint') }}) as network_transactions,
        cast(matched_transactions as {{ api.Column.translate_type('bigint') }}) as matched_transactions,
        cast(missing_on_network_side as {{ api.Column.translate_type('bigint') }}) as missing_on_network_side,
        cast(missing_on_our_side as {{ api.Column.translate_type('bigint') }}) as missing_on_our_side,
        cast(unconfirmed_order_postbacks as {{ api.Column.translate_type('bigint') }})
            as unconfirmed_order_postbacks,
        cast(unconverted_payout_transactions as {{ api.Column.translate_type('bigint') }})
            as unconverted_payout_transactions,
        cast(our_payout_usd as decimal(18, 4)) as our_payout_usd,
        cast(network_payout_usd as decimal(18, 4)) as network_payout_usd,
        cast(network_payout_usd - our_payout_usd as decimal(18, 4)) as payout_difference_usd,
        cast(matched_network_payout_usd - matched_our_payout_usd as decimal(18, 4))
            as matched_payout_difference_usd,
        cast(unconfirmed_order_payout_usd as decimal(18, 4)) as unconfirmed_order_payout_usd,
        {{ safe_ratio('matched_transactions', 'network_transactions') }} as network_match_rate,
        {{ safe_ratio('matched_transactions', 'our_transactions') }} as our_match_rate
    from transactions_counted
)

select * from final
