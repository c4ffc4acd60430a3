-- One row per report of a conversion by one system (conversion_report_id), with
-- the candidate conversion key that reports of the same conversion share and the
-- rule that gave it (match_rule):
-- * shopify (`order:<order_id>`, shopify_order): the order, net of refunds and
--   cancellations (int_orders_netted); repeated webhook deliveries were collapsed
--   in staging (retries counts them);
-- * postback_brand (`order:<order_id>`, order_id): the brand's checkout carries the
--   Shopify order id; retries were collapsed in staging (retries counts them);
-- * postback_affiliate and affiliate_report: an affiliate network's transaction.
--   Its `click_id` is the redirect server's click id, our sms_click_id, which the
--   network echoes back (../shared/CONTRACT.md): it names the person, and an order
--   that carries the same click id is that order (sms_click_id). A network may
--   echo its own click id instead, the `aff_click_id` the visitor landed with,
--   which Shopify keeps in the order's landing_site or a note attribute: a match
--   makes it that order (affiliate_click_id). Otherwise the postback and the
--   network's report of one transaction are one conversion
--   (`affiliate_tx:<transaction_id>`, affiliate_transaction_id); one that only the
--   network's report names is kept here as a report (is_brand_observed false) and
--   is no conversion (int_conversions_deduplicated);
-- * ga4 (`order:<transaction_id>`, ga4_transaction_id): GA4's purchase event
--   corroborates the order it names;
-- * pos (`pos:<order_ref>`, pos_order_ref): an in-store coupon redemption;
-- * hubspot_contact (`lead:<contact_id>@<updatedAt>`, hubspot_lead): the contact's
--   move into the `lead` stage, i.e. the version whose stage is `lead` when the
--   version before it was in another stage (or none). An edit that leaves the stage
--   at `lead` (a phone, a name) is not a conversion. A contact that leaves `lead`
--   and comes back (HubSpot moves a stage backwards only when someone clears it:
--   a recycled lead) is a new lead. A contact's first landed version is a lead
--   only if it was created as one: within var hubspot_new_lead_max_seconds (default
--   3600) of its createdate; a contact imported already a lead became one before our
--   data. Leads carry no money: revenue 0;
-- * hubspot_deal (`deal:<deal_id>`, hubspot_deal_id): a closed-won deal; its amount
--   is in the deal's currency, else the company currency (stg_hubspot__deals).
-- person_identifier is what names the reporter's person in int_identifiers_resolved.
-- payout is an affiliate network's commission (its postback's or its report's, in
-- the report's currency; null for every other system), payout_usd at the same rate.
-- revenue is in the reported currency; revenue_usd uses the fx rate of the UTC
-- day (else the latest earlier one), and for a Shopify order is net of refunds.
{%- set decimal_type = 'decimal(18,4)' %}
{%- set lead_default = "case when reports_unioned.conversion_type = 'lead' then 0 end" %}
{%- set string_type = api.Column.translate_type('string') %}

with orders_netted as (
    select * from {{ ref('int_orders_netted') }}
),

postbacks as (
    select * from {{ ref('stg_postbacks__conversions') }}
),

affiliate_conversions as (
    select * from {{ ref('stg_affiliate__conversions') }}
),

ga4_events as (
    select * from {{ ref('stg_ga4__events') }}
),

pos_redemptions as (
    select * from {{ ref('stg_pos__redemptions') }}
),

contact_versions as (
    select * from {{ ref('stg_hubspot__contact_versions') }}
),

clicks as (
    select * from {{ ref('stg_shortlinks__clicks') }}
),

deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

fx_rate_periods as (
    select * from {{ ref('int_fx_rate_periods') }}
),

orders_by_affiliate_click as (
    select
        aff_click_id,
        min(order_id) as order_id
    from orders_netted
    where aff_click_id is not null
    group by 1
),

orders_by_sms_click as (
    select
        sms_click_id,
        min(order_id) as order_id
    from orders_netted
    where sms_click_id is not null
    group by 1
),

-- an affiliate network's click id, read as ours where the redirect server issued it
affiliate_clicks as (
    select click_id from clicks
),

lead_entries as (
    select * from contact_versions
    where
        lifecyclestage = 'lead'
        and coalesce(previous_lifecyclestage, '') <> 'lead'
        and (
            version_number > 1
            or created_at is null
            or updated_at <= {{ timestamp_add_seconds('created_at', var('hubspot_new_lead_max_seconds')) }}
        )
),

reports_from_shopify as (
    select
        'shopify' as source_system,
        order_id as report_key,
        concat('order:', order_id) as conversion_key,
        'shopify_order' as match_rule,
        'purchase' as conversion_type,
        processed_at as converted_at,
        revenue,
        net_revenue,
        currency,
        revenue_usd,
        cast(null as {{ decimal_type }}) as payout,
        concat('shopify_customer_id:', customer_id) as person_identifier,
        sms_click_id,
        discount_code as coupon_code,
        is_refunded,
        is_cancelled,
        is_unknown_currency,
        webhook_retries as retries,
        1 as report_priority
    from orders_netted
),

reports_from_postbacks as (
    select
        case when postbacks.network = 'brand' then 'postback_brand' else 'postback_affiliate' end as source_system,
        case
            when postbacks.network = 'brand' then postbacks.order_id
            else concat(postbacks.network, ':', postbacks.order_id)
        end as report_key,
        case
            when postbacks.network = 'brand' then concat('order:', postbacks.order_id)
            when orders_by_sms_click.order_id is not null then concat('order:', orders_by_sms_click.order_id)
            when orders_by_affiliate_click.order_id is not null
                then concat('order:', orders_by_affiliate_click.order_id)
            else concat('affiliate_tx:', postbacks.order_id)
        end as conversion_key,
        case
            when postbacks.network = 'brand' then 'order_id'
            when orders_by_sms_click.order_id is not null then 'sms_click_id'
            when orders_by_affiliate_click.order_id is not null then 'affiliate_click_id'
            else 'affiliate_transaction_id'
        end as match_rule,
        coalesce(postbacks.event_name, 'purchase') as conversion_type,
        postbacks.received_at as converted_at,
        postbacks.amount as revenue,
        postbacks.amount as net_revenue,
        postbacks.currency,
        cast(null as {{ decimal_type }}) as revenue_usd,
        case when postbacks.network <> 'brand' then postbacks.payout end as payout,
        case
            when postbacks.network = 'brand' or affiliate_clicks.click_id is not null
                then concat('sms_click_id:', postbacks.click_id)
        end as person_identifier,
        case
            when postbacks.network = 'brand' or affiliate_clicks.click_id is not null then postbacks.click_id
        end as sms_click_id,
        cast(null as {{ string_type }}) as coupon_code,
        false as is_refunded,
        false as is_cancelled,
        false as is_unknown_currency,
        postbacks.retries,
        case when postbacks.network = 'brand' then 2 else 3 end as report_priority
    from postbacks
    left join affiliate_clicks
        on
            postbacks.network <> 'brand'
            and postbacks.click_id = affiliate_clicks.click_id
    left join orders_by_sms_click
        on affiliate_clicks.click_id = orders_by_sms_click.sms_click_id
    left join orders_by_affiliate_click
        on
            postbacks.network <> 'brand'
            and postbacks.click_id = orders_by_affiliate_click.aff_click_id
    where coalesce(postbacks.latest_status, postbacks.status, '') not in ('rejected', 'declined', 'invalid')
),

reports_from_affiliate_networks as (
    select
        'affiliate_report' as source_system,
        affiliate_conversions.transaction_id as report_key,
        case
            when orders_by_sms_click.order_id is not null then concat('order:', orders_by_sms_click.order_id)
            when orders_by_affiliate_click.order_id is not null
                then concat('order:', orders_by_affiliate_click.order_id)
            else concat('affiliate_tx:', affiliate_conversions.transaction_id)
        end as conversion_key,
        case
            when orders_by_sms_click.order_id is not null then 'sms_click_id'
            when orders_by_affiliate_click.order_id is not null then 'affiliate_click_id'
            else 'affiliate_transaction_id'
        end as match_rule,
        coalesce(affiliate_conversions.event_name, 'purchase') as conversion_type,
        affiliate_conversions.converted_at,
        affiliate_conversions.revenue,
        affiliate_conversions.revenue as net_revenue,
        affiliate_conversions.currency,
        cast(null as {{ decimal_type }}) as revenue_usd,
        affiliate_conversions.payout,
        case
            when affiliate_clicks.click_id is not null then concat('sms_click_id:', affiliate_conversions.click_id)
        end as person_identifier,
        affiliate_clicks.click_id as sms_click_id,
        cast(null as {{ string_type }}) as coupon_code,
        false as is_refunded,
        false as is_cancelled,
        false as is_unknown_currency,
        0 as retries,
        4 as report_priority
    from affiliate_conversions
    left join affiliate_clicks
        on affiliate_conversions.click_id = affiliate_clicks.click_id
    left join orders_by_sms_click
        on affiliate_clicks.click_id = orders_by_sms_click.sms_click_id
    left join orders_by_affiliate_click
        on affiliate_conversions.click_id = orders_by_affiliate_click.aff_click_id
    where coalesce(affiliate_conversions.conversion_status, '') not in ('rejected', 'declined', 'invalid')
),

reports_from_ga4 as (
    select
        'ga4' as source_system,
        transaction_id as report_key,
        concat('order:', transaction_id) as conversion_key,
        'ga4_transaction_id' as match_rule,
        'purchase' as conversion_type,
        min(event_at) as converted_at,
        max(purchase_revenue) as revenue,
        max(purchase_revenue) as net_revenue,
        max(currency) as currency,
        cast(null as {{ decimal_type }}) as revenue_usd,
        cast(null as {{ decimal_type }}) as payout,
        concat('ga4_user_pseudo_id:', min(user_pseudo_id)) as person_identifier,
        max(sms_click_id) as sms_click_id,
        cast(null as {{ string_type }}) as coupon_code,
        false as is_refunded,
        false as is_cancelled,
        false as is_unknown_currency,
        count(*) - 1 as retries,
        5 as report_priority
    from ga4_events
    where event_name = 'purchase' and transaction_id is not null
    group by 2
),

reports_from_pos as (
    select
        'pos' as source_system,
        order_ref as report_key,
        concat('pos:', order_ref) as conversion_key,
        'pos_order_ref' as match_rule,
        'offline' as conversion_type,
        redeemed_at as converted_at,
        amount as revenue,
        amount as net_revenue,
        currency,
        cast(null as {{ decimal_type }}) as revenue_usd,
        cast(null as {{ decimal_type }}) as payout,
        concat('coupon_code:', coupon_code) as person_identifier,
        cast(null as {{ string_type }}) as sms_click_id,
        coupon_code,
        false as is_refunded,
        false as is_cancelled,
        false as is_unknown_currency,
        0 as retries,
        1 as report_priority
    from pos_redemptions
),

reports_from_hubspot_contacts as (
    select
        'hubspot_contact' as source_system,
        concat(contact_id, '@', updated_at_text) as report_key,
        concat('lead:', contact_id, '@', updated_at_text) as conversion_key,
        'hubspot_lead' as match_rule,
        'lead' as conversion_type,
        updated_at as converted_at,
        cast(null as {{ decimal_type }}) as revenue,
        cast(null as {{ decimal_type }}) as net_revenue,
        cast(null as {{ string_type }}) as currency,
        cast(null as {{ decimal_type }}) as revenue_usd,
        cast(null as {{ decimal_type }}) as payout,
        concat('hubspot_contact_id:', contact_id) as person_identifier,
        sms_click_id,
        cast(null as {{ string_type }}) as coupon_code,
        false as is_refunded,
        false as is_cancelled,
        false as is_unknown_currency,
        0 as retries,
        1 as report_priority
    from lead_entries
),

reports_from_hubspot_deals as (
    select
        'hubspot_deal' as source_system,
        deal_id as report_key,
        concat('deal:', deal_id) as conversion_key,
        'hubspot_deal_id' as match_rule,
        'closed_won' as conversion_type,
        coalesce(closed_at, updated_at) as converted_at,
        amount as revenue,
        amount as net_revenue,
        currency,
        cast(null as {{ decimal_type }}) as revenue_usd,
        cast(null as {{ decimal_type }}) as payout,
        concat('hubspot_contact_id:', contact_id) as person_identifier,
        cast(null as {{ string_type }}) as sms_click_id,
        cast(null as {{ string_type }}) as coupon_code,
        false as is_refunded,
        false as is_cancelled,
        false as is_unknown_currency,
        0 as retries,
        1 as report_priority
    from deals
    where is_closed_won
),

reports_unioned as (
    select * from reports_from_shopify
    union all
    select * from reports_from_postbacks
    union all
    select * from reports_from_affiliate_networks
    union all
    select * from reports_from_ga4
    union all
    select * from reports_from_pos
    union all
    select * from reports_from_hubspot_contacts
    union all
    select * from reports_from_hubspot_deals
),

report_rates as (
    select
        reports_unioned.source_system,
        reports_unioned.report_key,
        fx_rate_periods.rate_to_usd
    from reports_unioned
    inner join fx_rate_periods
        on {{ fx_rate_applies('fx_rate_periods', 'reports_unioned.currency', 'cast(reports_unioned.converted_at as date)') }}
    where reports_unioned.source_system <> 'shopify'
),

final as (
    select
        concat(reports_unioned.source_system, ':', reports_unioned.report_key) as conversion_report_id,
        reports_unioned.source_system,
        reports_unioned.report_key,
        reports_unioned.conversion_key,
        reports_unioned.match_rule,
        reports_unioned.conversion_type,
        reports_unioned.converted_at,
        -- a lead carries no money unless its reporter names some: 0, not null, so that
        -- credit x revenue and every sum stay defined
        cast(coalesce(reports_unioned.revenue, {{ lead_default }}) as {{ decimal_type }}) as revenue,
        cast(coalesce(reports_unioned.net_revenue, {{ lead_default }}) as {{ decimal_type }}) as net_revenue,
        reports_unioned.currency,
        cast(
            case
                when reports_unioned.source_system = 'shopify' then reports_unioned.revenue_usd
                when reports_unioned.conversion_type = 'lead' and coalesce(reports_unioned.net_revenue, 0) = 0 then 0
                else reports_unioned.net_revenue * report_rates.rate_to_usd
            end as {{ decimal_type }}
        ) as revenue_usd,
        cast(reports_unioned.payout as {{ decimal_type }}) as payout,
        cast(reports_unioned.payout * report_rates.rate_to_usd as {{ decimal_type }}) as payout_usd,
        reports_unioned.currency is not null
        and (
            reports_unioned.is_unknown_currency
            or (reports_unioned.source_system <> 'shopify' and report_rates.rate_to_usd is null)
        ) as is_unknown_currency,
        reports_unioned.person_identifier,
        reports_unioned.sms_click_id,
        reports_unioned.coupon_code,
        reports_unioned.is_refunded,
        reports_unioned.is_cancelled,
        reports_unioned.retries,
        reports_unioned.report_priority,
        reports_unioned.source_system <> 'affiliate_report' as is_brand_observed
    from reports_unioned
    left join report_rates
        on
            reports_unioned.source_system = report_rates.source_system
            and reports_unioned.report_key = report_rates.report_key
)

select * from final
