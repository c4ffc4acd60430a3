-- One row per spend line (spend_line_id, as in staging) with its cost in USD, at
-- the rate of its day or the latest before it (int_fx_rate_periods); cost_usd is
-- null when no rate is known for the currency by that day (counted, not dropped:
-- is_converted = false).
-- is_message_charge marks the lines that bill the same SMS messages as their
-- per-message price in Twilio's Messages records (channel `sms`, platform
-- `twilio`): the reporting marts take SMS message cost from the messages
-- (core.fct_sends.cost_usd, exact per send) and leave these lines out, so the
-- same charge is not counted twice. Every other line (the SMS platform's fee,
-- other channels' spend, affiliate commissions) is cost as delivered.
with spend as (
    select * from {{ ref('stg_marketing__spend') }}
),

fx_rate_periods as (
    select * from {{ ref('int_fx_rate_periods') }}
),

spend_rates as (
    select
        spend.spend_line_id,
        fx_rate_periods.rate_to_usd
    from spend
    inner join fx_rate_periods
        on {{ fx_rate_applies('fx_rate_periods', 'spend.currency', 'spend.spend_date') }}
    where spend.currency <> 'USD'
),

final as (
    select
        spend.spend_line_id,
        spend.spend_date,
        spend.channel,
        spend.platform,
        spend.campaign,
        spend.cost_amount,
        spend.currency,
        cast(
            spend.cost_amount * case when spend.currency = 'USD' then 1 else spend_rates.rate_to_usd end
            as decimal(18, 4)
        ) as cost_usd,
        (spend.currency = 'USD' or spend_rates.rate_to_usd is not null) as is_converted,
        (spend.channel = 'sms' and coalesce(spend.platform, '') = 'twilio') as is_message_charge
    from spend
    left join spend_rates
        on spend.spend_line_id = spend_rates.spend_line_id
)

select * from final
