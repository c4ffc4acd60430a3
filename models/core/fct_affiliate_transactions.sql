-- One row per affiliate network transaction on either side of the reconciliation
-- (affiliate_transaction_id = `<network>:<transaction_id>`): our received postback,
-- the network's report row, or both.
-- * The matching key is the contract's: an affiliate network's postback carries the
--   network's transaction id as order_id, which is the transaction_id of its report
--   (../shared/CONTRACT.md). A report row matches a postback with that order_id from
--   the network its offer belongs to (seed affiliate_offers; a report row whose offer
--   the seed does not know matches a postback of any network by the id alone).
-- * Our side: the affiliate postbacks (network <> 'brand'; the brand's own checkout
--   postbacks have no network report to reconcile with and are left out), retries
--   already collapsed in staging; when one network sent several postbacks for one
--   transaction id (another event), the first received. The network's side: its
--   report's latest version of the transaction. A side's row counts only if it is a
--   report of a conversion in int_conversion_reports: a postback or report row whose
--   status is rejected, declined or invalid is no conversion there and is on no side
--   here; a report row staging quarantined (a payout that is not a number) is in
--   staging.stg_quarantined_records, not here.
-- * network: the postback's; else the report's offer's network (seed); else
--   '(unknown)'. offer_id: the report's; '(unknown)' for a postback the report does
--   not list (postbacks carry no offer).
-- * report_date: the conversion's UTC day, the network's conversion time when its
--   report lists it, else when our postback was received.
-- * Payouts in each side's currency and in USD at the rate of report_date (else the
--   latest earlier one, int_fx_rate_periods): both sides convert on the same day, so
--   a payout difference is never an exchange-rate artefact. A payout in a currency
--   without a rate stays, with its USD value null (has_unconverted_payout).
-- * has_shop_order: the deduplicated conversion either side's report belongs to
--   (int_conversions_deduplicated) has a Shopify order as its system of record
--   (matched by our click id or the network's, int_conversion_reports); a
--   cancelled or refunded order is still an order the shop confirmed.
--   is_order_unconfirmed: we received the postback but no Shopify order confirms it
--   (a checkout that never completed, a test order, a fraudulent claim). The
--   warehouse still counts such a postback as a conversion (core.fct_conversions: a
--   postback the brand received); this flag is how to find them.
{%- set decimal_type = 'decimal(18,4)' %}
{%- set string_type = api.Column.translate_type('string') %}

with postbacks as (
    select * from {{ ref('stg_postbacks__conversions') }}
),

affiliate_conversions as (
    select * from {{ ref('stg_affiliate__conversions') }}
),

conversion_reports as (
    select * from {{ ref('int_conversion_reports') }}
),

conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
),

fx_rate_periods as (
    select * from {{ ref('int_fx_rate_periods') }}
),

affiliate_offers as (
    select * from {{ ref('affiliate_offers') }}
),

postbacks_reported as (
    select
        postbacks.network,
        postbacks.order_id,
        postbacks.received_at,
        postbacks.payout,
        postbacks.currency,
        coalesce(postbacks.latest_status, postbacks.status) as postback_status,
        conversion_reports.conversion_key,
        {{ row_number_over(['postbacks.network', 'postbacks.order_id'], ['postbacks.received_at', 'postbacks.postback_id']) }}
            as transaction_rank
    from postbacks
    inner join conversion_reports
        on
            concat(postbacks.network, ':', postbacks.order_id) = conversion_reports.report_key
            and conversion_reports.source_system = 'postback_affiliate'
    -- int_conversion_reports keys brand postbacks apart (postback_brand) already; the rule stays explicit
    where postbacks.network <> 'brand'
),

our_transactions as (
    select * from postbacks_reported
    where transaction_rank = 1
),

network_transactions as (
    select
        affiliate_conversions.transaction_id,
        affiliate_conversions.offer_id,
        affiliate_offers.network as offer_network,
        affiliate_conversions.converted_at,
        affiliate_conversions.payout,
        affiliate_conversions.currency,
        affiliate_conversions.conversion_status,
        conversion_reports.conversion_key
    from affiliate_conversions
    inner join conversion_reports
        on
            affiliate_conversions.transaction_id = conversion_reports.report_key
            and conversion_reports.source_system = 'affiliate_report'
    left join affiliate_offers
        on affiliate_conversions.offer_id = affiliate_offers.offer_id
),

transactions_joined as (
    select
        coalesce(our_transactions.network, network_transactions.offer_network, '(unknown)') as network,
        coalesce(network_transactions.transaction_id, our_transactions.order_id) as transaction_id,
        coalesce(network_transactions.offer_id, '(unknown)') as offer_id,
        cast(coalesce(network_transactions.converted_at, our_transactions.received_at) as date) as report_date,
        network_transactions.converted_at as network_converted_at,
        our_transactions.received_at as our_received_at,
        our_transactions.order_id is not null as on_our_side,
        network_transactions.transaction_id is not null as on_network_side,
        our_transactions.postback_status as our_status,
        network_transactions.conversion_status as network_status,
        our_transactions.payout as our_payout,
        our_transactions.currency as our_currency,
        network_transactions.payout as network_payout,
        network_transactions.currency as network_currency,
        our_transactions.conversion_key as our_conversion_key,
        network_transactions.conversion_key as network_conversion_key
    from our_transactions
    full outer join network_transactions
        on
            our_transactions.order_id = network_transactions.transaction_id
            and (
                network_transactions.offer_network is null
                or our_transactions.network = network_transactions.offer_network
            )
),

transactions_converted as (
    select
        transactions_joined.*,
        cast(transactions_joined.our_payout * our_rates.rate_to_usd as {{ decimal_type }}) as our_payout_usd,
        cast(transactions_joined.network_payout * network_rates.rate_to_usd as {{ decimal_type }})
            as network_payout_usd,
        (transactions_joined.our_payout is not null and our_rates.rate_to_usd is null)
        or (transactions_joined.network_payout is not null and network_rates.rate_to_usd is null)
            as has_unconverted_payout,
        our_conversions.conversion_id as our_conversion_id,
        network_conversions.conversion_id as network_conversion_id,
        coalesce(our_conversions.primary_source_system = 'shopify', false)
        or coalesce(network_conversions.primary_source_system = 'shopify', false) as has_shop_order
    from transactions_joined
    left join fx_rate_periods as our_rates
        on {{ fx_rate_applies('our_rates', 'transactions_joined.our_currency', 'transactions_joined.report_date') }}
    left join fx_rate_periods as network_rates
        on {{ fx_rate_applies('network_rates', 'transactions_joined.network_currency', 'transactions_joined.report_date') }}
    left join conversions as our_conversions
        on transactions_joined.our_conversion_key = our_conversions.conversion_id
    left join conversions as network_conversions
        on transactions_joined.network_conversion_key = network_conversions.conversion_id
),

final as (
    select
        concat(network, ':', transaction_id) as affiliate_transaction_id,
        network,
        transaction_id,
        offer_id,
        report_date,
        network_converted_at,
        our_received_at,
        on_our_side,
        on_network_side,
        on_our_side and on_network_side as is_matched,
        our_status,
        network_status,
        cast(our_payout as {{ decimal_type }}) as our_payout,
        our_currency,
        our_payout_usd,
        cast(network_payout as {{ decimal_type }}) as network_payout,
        network_currency,
        network_payout_usd,
        cast(
            case when on_our_side and on_network_side then network_payout_usd - our_payout_usd end
            as {{ decimal_type }}
        ) as payout_difference_usd,
        has_unconverted_payout,
        cast(coalesce(our_conversion_id, network_conversion_id) as {{ string_type }}) as conversion_id,
        has_shop_order,
        on_our_side and not has_shop_order as is_order_unconfirmed
    from transactions_converted
)

select * from final
