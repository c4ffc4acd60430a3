-- rpt_affiliate_reconciliation tied back to the two sides it reconciles, counted
-- here from staging and int_conversion_reports, not from core.fct_affiliate_transactions:
-- * our side: the distinct affiliate postbacks (network x order_id, brand left out)
--   that int_conversion_reports keeps as reports of a conversion, per network;
--   matched + missing_on_network_side summed over the mart's rows of the network
--   must be that count;
-- * the network's side: the report rows int_conversion_reports keeps (one per
--   transaction_id); matched + missing_on_our_side summed over the whole mart must
--   be that count (the report names no network, so the total, not per network).
-- Returns every side (and network) that disagrees.

with reconciliation as (
    select * from {{ ref('rpt_affiliate_reconciliation') }}
),

postbacks as (
    select * from {{ ref('stg_postbacks__conversions') }}
),

conversion_reports as (
    select * from {{ ref('int_conversion_reports') }}
),

our_side as (
    select
        postbacks.network,
        count(distinct postbacks.order_id) as expected_transactions
    from postbacks
    where
        postbacks.network <> 'brand'
        and exists (
            select 1 from conversion_reports
            where
                conversion_reports.source_system = 'postback_affiliate'
                and conversion_reports.report_key = concat(postbacks.network, ':', postbacks.order_id)
        )
    group by 1
),

network_side as (
    select count(*) as expected_transactions
    from conversion_reports
    where source_system = 'affiliate_report'
),

mart_our_side as (
    select
        network,
        sum(matched_transactions + missing_on_network_side) as mart_transactions
    from reconciliation
    group by 1
    having sum(matched_transactions + missing_on_network_side) > 0
),

mart_network_side as (
    select coalesce(sum(matched_transactions + missing_on_our_side), 0) as mart_transactions
    from reconciliation
),

disagreements as (
    select
        'our_side' as side,
        coalesce(our_side.network, mart_our_side.network) as network,
        coalesce(our_side.expected_transactions, 0) as expected_transactions,
        coalesce(mart_our_side.mart_transactions, 0) as mart_transactions
    from our_side
    full outer join mart_our_side
        on our_side.network = mart_our_side.network
    where coalesce(our_side.expected_transactions, 0) <> coalesce(mart_our_side.mart_transactions, 0)
    union all
    select
        'network_side' as side,
        '(all)' as network,
        network_side.expected_transactions,
        mart_network_side.mart_transactions
    from network_side
    cross join mart_network_side
    where network_side.expected_transactions <> mart_network_side.mart_transactions
)

select * from disagreements
