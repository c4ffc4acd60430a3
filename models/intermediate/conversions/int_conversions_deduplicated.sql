-- One row per deduplicated conversion (conversion_id = the conversion key its
-- reports share, int_conversion_reports): the same order from Shopify, the brand
-- postback, an affiliate network and GA4 is one conversion.
-- Which report wins a field: the system of record first (report_priority: Shopify
-- for an order, then the brand postback, the affiliate postback, the network's
-- report, GA4). The person is the first report's whose identifier resolved.
-- Revenue comes from the winning report: for an order, Shopify's net of refunds
-- and cancellations. affiliate_payout_usd is the commission an affiliate network
-- reports for it: its report's payout (the network's ledger), else its postback's;
-- one commission per conversion (when two networks claim one order, the larger).
-- source_systems lists every system that reported it and dedup_rule every rule
-- that merged a report into it (`single_report` when one system reported it
-- once), both in alphabetical order; retries counts the collapsed duplicate
-- deliveries of its postbacks (and double-fired GA4 purchases).
-- A conversion is something the brand's own systems saw (an order, a POS
-- redemption, a CRM record, a postback the brand received, GA4): a transaction that
-- only an affiliate network's report names (no postback, no order confirms it) is
-- the network's claim, not a conversion; it stays in int_conversion_reports for
-- the reconciliation ("missing on our side").
{%- set systems = ['affiliate_report', 'ga4', 'hubspot_contact', 'hubspot_deal', 'pos',
                   'postback_affiliate', 'postback_brand', 'shopify'] %}
{%- set merge_rules = ['affiliate_click_id', 'affiliate_transaction_id', 'ga4_transaction_id', 'order_id',
                       'sms_click_id'] %}

with reports as (
    select * from {{ ref('int_conversion_reports') }}
),

identifiers_resolved as (
    select * from {{ ref('int_identifiers_resolved') }}
),

reports_with_person as (
    select
        reports.*,
        coalesce(by_identifier.person_id, by_click.person_id) as person_id
    from reports
    left join identifiers_resolved as by_identifier
        on reports.person_identifier = by_identifier.identifier
    left join identifiers_resolved as by_click
        on concat('sms_click_id:', reports.sms_click_id) = by_click.identifier
),

reports_ranked as (
    select
        *,
        {{ row_number_over('conversion_key', ['report_priority', 'source_system', 'report_key']) }} as report_rank,
        {{ row_number_over(
            'conversion_key',
            [
                'case when person_id is null then 1 else 0 end',
                'report_priority',
                'source_system',
                'report_key'
            ]
        ) }} as person_rank,
        {{ row_number_over(
            'conversion_key',
            [
                'case when sms_click_id is null then 1 else 0 end',
                'report_priority',
                'source_system',
                'report_key'
            ]
        ) }} as click_rank
    from reports_with_person
),

reports_summarised as (
    select
        conversion_key,
        count(*) as reports,
        count(distinct source_system) as reporting_systems,
        sum(retries) as retries,
        {%- for system in systems %}
            max(case when source_system = '{{ system }}' then 1 else 0 end) = 1 as has_{{ system }},
        {%- endfor %}
        {%- for rule in merge_rules %}
            max(case when match_rule = '{{ rule }}' then 1 else 0 end) = 1 as by_{{ rule }},
        {%- endfor %}
        max(case when person_rank = 1 then person_id end) as person_id,
        max(case when click_rank = 1 then sms_click_id end) as sms_click_id,
        -- the code an order or an in-store redemption used (Shopify's, else the POS's)
        min(coupon_code) as coupon_code,
        max(case when is_refunded then 1 else 0 end) = 1 as is_refunded,
        max(case when is_cancelled then 1 else 0 end) = 1 as is_cancelled,
        max(case when is_brand_observed then 1 else 0 end) = 1 as is_brand_observed,
        -- the affiliate commission: the network's report (its ledger), else its postback
        coalesce(
            max(case when source_system = 'affiliate_report' then payout_usd end),
            max(case when source_system = 'postback_affiliate' then payout_usd end)
        ) as affiliate_payout_usd
    from reports_ranked
    group by 1
),

winning_reports as (
    select * from reports_ranked
    where report_rank = 1
),

final as (
    select
        winning_reports.conversion_key as conversion_id,
        winning_reports.conversion_type,
        reports_summarised.person_id,
        winning_reports.converted_at,
        winning_reports.revenue,
        winning_reports.net_revenue,
        winning_reports.currency,
        winning_reports.revenue_usd,
        winning_reports.is_unknown_currency,
        reports_summarised.affiliate_payout_usd,
        concat_ws(
            ',',
            {%- for system in systems %}
                case when reports_summarised.has_{{ system }} then '{{ system }}' end{{ ',' if not loop.last }}
            {%- endfor %}
        ) as source_systems,
        case
            when reports_summarised.reports = 1 and reports_summarised.retries = 0 then 'single_report'
            else concat_ws(
                    ',',
                    {%- for rule in merge_rules %}
                        case when reports_summarised.by_{{ rule }} then '{{ rule }}' end,
                    {%- endfor %}
                    case when reports_summarised.retries > 0 then 'retry_collapsed' end
                )
        end as dedup_rule,
        reports_summarised.reports,
        reports_summarised.reporting_systems,
        reports_summarised.retries,
        reports_summarised.sms_click_id,
        reports_summarised.coupon_code,
        reports_summarised.is_refunded,
        reports_summarised.is_cancelled,
        winning_reports.source_system as primary_source_system,
        winning_reports.report_key as primary_report_key
    from winning_reports
    inner join reports_summarised
        on winning_reports.conversion_key = reports_summarised.conversion_key
    where reports_summarised.is_brand_observed
)

select * from final
