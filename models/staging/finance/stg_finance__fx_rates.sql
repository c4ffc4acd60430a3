-- One row per day x currency: the rate to USD, the latest delivery winning when
-- a rate is restated.
with rates as (
    select * from {{ ref('base_finance__fx_rates') }}
    where _quarantine_reason is null
),

rates_keyed as (
    select
        concat(cast(rate_date as {{ api.Column.translate_type('string') }}), '|', currency) as fx_rate_id,
        *
    from rates
),

rates_ranked as (
    select
        *,
        {{ row_number_over('fx_rate_id', landed='last') }} as version_rank
    from rates_keyed
),

final as (
    select
        fx_rate_id,
        rate_date,
        currency,
        rate_to_usd,
        _file_path,
        _line_number,
        _loaded_at
    from rates_ranked
    where version_rank = 1
)

select * from final
