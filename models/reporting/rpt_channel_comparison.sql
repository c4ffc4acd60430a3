-- One row per channel x attribution model x UTC day (channel_comparison_id): the
-- conversions and revenue each of var('attribution_models') credits the channel
-- with on the day of the conversion, the channel's cost of that day, and ROAS.
-- Formulas:
-- * attributed_conversions = sum of the channel's credits (fractional under the
--   multi-touch models); attributed_revenue_usd = sum of credit x net revenue;
-- * cost_usd = message_cost_usd + spend_cost_usd, where message_cost_usd is the
--   SMS messages' Twilio price (core.fct_sends.cost_usd, on the day the message
--   was sent, else queued) and spend_cost_usd the spend file's lines of the
--   channel and day in USD, except Twilio's lines, which bill those same messages
--   (fct_spend.is_message_charge); a line whose currency has no rate yet
--   counts in unconverted_spend_lines, not in the cost;
-- * roas = attributed_revenue_usd / cost_usd, null when cost_usd is 0 or null.
-- Every channel and day with a credit or a cost has a row under every model
-- (0 conversions and revenue where that model credits the channel nothing), so
-- a ratio over days or channels is sum(numerator) / sum(denominator).

with credited as (
    {{ attribution_marts_unioned(['channel', 'converted_at', 'credit', 'attributed_revenue_usd']) }}
),

sends as (
    select * from {{ ref('fct_sends') }}
),

spend as (
    select * from {{ ref('fct_spend') }}
),

attribution_models as (
    {{ attribution_model_names() }}
),

credited_by_day as (
    select
        attribution_model,
        coalesce(channel, '(none)') as channel,
        cast(converted_at as date) as report_date,
        sum(credit) as attributed_conversions,
        sum(attributed_revenue_usd) as attributed_revenue_usd
    from credited
    group by 1, 2, 3
),

message_cost_by_day as (
    select
        'sms' as channel,
        cast(coalesce(sent_at, queued_at) as date) as report_date,
        sum(cost_usd) as message_cost_usd
    from sends
    group by 1, 2
),

spend_by_day as (
    select
        channel,
        spend_date as report_date,
        sum(case when is_converted then cost_usd end) as spend_cost_usd,
        sum(case when is_converted then 0 else 1 end) as unconverted_spend_lines
    from spend
    where not is_message_charge
    group by 1, 2
),

channel_days as (
    select
        channel,
        report_date
    from credited_by_day
    union
    select
        channel,
        report_date
    from message_cost_by_day
    union
    select
        channel,
        report_date
    from spend_by_day
),

final as (
    select
        concat(
            channel_days.channel, '|', attribution_models.attribution_model, '|',
            cast(channel_days.report_date as {{ api.Column.translate_type('string') }})
        ) as channel_comparison_id,
        channel_days.report_date,
        channel_days.channel,
        attribution_models.attribution_model,
        coalesce(credited_by_day.attributed_conversions, 0) as attributed_conversions,
        coalesce(credited_by_day.attributed_revenue_usd, 0) as attributed_revenue_usd,
        cast(coalesce(message_cost_by_day.message_cost_usd, 0) as decimal(18, 4)) as message_cost_usd,
        cast(coalesce(spend_by_day.spend_cost_usd, 0) as decimal(18, 4)) as spend_cost_usd,
        cast(
            coalesce(message_cost_by_day.message_cost_usd, 0) + coalesce(spend_by_day.spend_cost_usd, 0)
            as decimal(18, 4)
        ) as cost_usd,
        cast(coalesce(spend_by_day.unconverted_spend_lines, 0) as {{ api.Column.translate_type('bigint') }})
            as unconverted_spend_lines,
        {{ safe_ratio(
            'coalesce(credited_by_day.attributed_revenue_usd, 0)',
            'coalesce(message_cost_by_day.message_cost_usd, 0) + coalesce(spend_by_day.spend_cost_usd, 0)'
        ) }} as roas
    from channel_days
    cross join attribution_models
    left join credited_by_day
        on
            channel_days.channel = credited_by_day.channel
            and channel_days.report_date = credited_by_day.report_date
            and attribution_models.attribution_model = credited_by_day.attribution_model
    left join message_cost_by_day
        on
            channel_days.channel = message_cost_by_day.channel
            and channel_days.report_date = message_cost_by_day.report_date
    left join spend_by_day
        on
            channel_days.channel = spend_by_day.channel
            and channel_days.report_date = spend_by_day.report_date
)

select * from final
