-- One row per weights run x conversion cycle x state (channel_weight_id): the
-- Markov removal effect and the Shapley value side by side, each also as a share of
-- its cycle in its run, with the journeys they were learned from; is_latest_run
-- marks the run the marts use.
with weights as (
    select * from {{ ref('stg_weights__attribution_weights') }}
),

by_state as (
    select
        run_id,
        is_latest_run,
        conversion_cycle,
        state,
        max(computed_at) as computed_at,
        max(case when model = 'markov' then weight_value end) as markov_removal_effect,
        max(case when model = 'shapley' then weight_value end) as shapley_value,
        max(state_journeys) as state_journeys,
        max(state_conversions) as state_conversions,
        max(cycle_journeys) as cycle_journeys,
        max(cycle_conversions) as cycle_conversions,
        max(journey_close_seconds) as journey_close_seconds,
        max(data_horizon) as data_horizon,
        max(variables) as run_variables
    from weights
    group by 1, 2, 3, 4
),

cycle_totals as (
    select
        run_id,
        conversion_cycle,
        sum(case when markov_removal_effect > 0 then markov_removal_effect else 0 end) as markov_positive_total,
        sum(case when shapley_value > 0 then shapley_value else 0 end) as shapley_positive_total
    from by_state
    group by 1, 2
),

final as (
    select
        concat(by_state.run_id, '|', by_state.conversion_cycle, '|', by_state.state) as channel_weight_id,
        by_state.run_id,
        by_state.is_latest_run,
        by_state.computed_at,
        by_state.conversion_cycle,
        by_state.state,
        by_state.markov_removal_effect,
        case
            when cycle_totals.markov_positive_total > 0
                then
                    case when by_state.markov_removal_effect > 0 then by_state.markov_removal_effect else 0 end
                    / cycle_totals.markov_positive_total
        end as markov_share,
        by_state.shapley_value,
        case
            when cycle_totals.shapley_positive_total > 0
                then
                    case when by_state.shapley_value > 0 then by_state.shapley_value else 0 end
                    / cycle_totals.shapley_positive_total
        end as shapley_share,
        by_state.state_journeys,
        by_state.state_conversions,
        case
            when by_state.state_journeys > 0
                then cast(by_state.state_conversions as {{ api.Column.translate_type('double') }})
                    / by_state.state_journeys
        end as state_conversion_rate,
        by_state.cycle_journeys,
        by_state.cycle_conversions,
        case
            when by_state.cycle_journeys > 0
                then cast(by_state.cycle_conversions as {{ api.Column.translate_type('double') }})
                    / by_state.cycle_journeys
        end as cycle_conversion_rate,
        by_state.journey_close_seconds,
        by_state.data_horizon,
        by_state.run_variables
    from by_state
    inner join cycle_totals
        on
            by_state.run_id = cycle_totals.run_id
            and by_state.conversion_cycle = cycle_totals.conversion_cycle
)

select * from final
