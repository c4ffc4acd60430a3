-- One row per (model, conversion cycle, state) of the latest weights run
-- (attribution_weight_id): the Markov removal effect or the Shapley value.
with weights as (
    select * from {{ source('weights', 'attribution_weights') }}
),

final as (
    select
        concat(model, '|', conversion_cycle, '|', state) as attribution_weight_id,
        run_id,
        model,
        conversion_cycle,
        state,
        cast(value as {{ api.Column.translate_type('double') }}) as weight_value,
        state_journeys,
        state_conversions,
        cycle_journeys,
        cycle_conversions,
        journey_close_seconds,
        data_horizon,
        variables,
        computed_at
    from weights
)

select * from final
