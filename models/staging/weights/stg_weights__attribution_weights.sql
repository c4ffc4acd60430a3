-- One row per (run_id, model, conversion cycle, state) of every weights run
-- (attribution_weight_id): the Markov removal effect or the Shapley value, and
-- is_latest_run for the run the marts read.
with weights as (
    select * from {{ source('weights', 'attribution_weights') }}
),

runs as (
    select distinct
        run_id,
        computed_at
    from weights
),

runs_ranked as (
    select
        run_id,
        row_number() over (order by computed_at desc, run_id desc) as run_rank
    from runs
),

final as (
    select
        concat(weights.run_id, '|', weights.model, '|', weights.conversion_cycle, '|', weights.state)
            as attribution_weight_id,
        weights.run_id,
        runs_ranked.run_rank = 1 as is_latest_run,
        weights.model,
        weights.conversion_cycle,
        weights.state,
        cast(weights.value as {{ api.Column.translate_type('double') }}) as weight_value,
        weights.state_journeys,
        weights.state_conversions,
        weights.cycle_journeys,
        weights.cycle_conversions,
        weights.journey_close_seconds,
        weights.data_horizon,
        weights.variables,
        weights.computed_at
    from weights
    inner join runs_ranked on weights.run_id = runs_ranked.run_id
)

select * from final
