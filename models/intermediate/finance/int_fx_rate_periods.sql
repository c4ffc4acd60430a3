-- One row per currency x rate day (fx_rate_id, as in staging): the rate and the
-- days it applies to, from its own day up to the currency's next rate day
-- (exclusive); the latest rate applies from its day on (valid_until null). An
-- amount converts at the rate of its UTC day, else the latest earlier one: one
-- join on currency and day range, rather than ranking every earlier rate of every
-- row that converts.
with fx_rates as (
    select * from {{ ref('stg_finance__fx_rates') }}
),

rate_periods as (
    select
        fx_rate_id,
        currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_until,
        rate_to_usd
    from fx_rates
    where rate_to_usd is not null
),

final as (
    select * from rate_periods
)

select * from final
