-- One row per experiment (campaign_id; `global` for the global holdout): treatment
-- and control sums and the lift's statistics, as the experiments asset wrote them.
with statistics as (
    select * from {{ source('experiments', 'incrementality_statistics') }}
),

final as (
    select
        campaign_id,
        is_global_holdout,
        is_journey,
        is_window_complete,
        measured_from,
        measured_until,
        treatment_members,
        treatment_converters,
        treatment_conversions,
        treatment_revenue_usd,
        control_members,
        control_converters,
        control_conversions,
        control_revenue_usd,
        abs_lift,
        abs_lift_ci_low,
        abs_lift_ci_high,
        rel_lift,
        rel_lift_ci_low,
        rel_lift_ci_high,
        z,
        p_value,
        incremental_conversions,
        incremental_conversions_ci_low,
        incremental_conversions_ci_high,
        rpr_abs_lift,
        rpr_abs_lift_ci_low,
        rpr_abs_lift_ci_high,
        rpr_rel_lift,
        rpr_rel_lift_ci_low,
        rpr_rel_lift_ci_high,
        rpr_t,
        rpr_df,
        rpr_p_value,
        incremental_revenue,
        incremental_revenue_ci_low,
        incremental_revenue_ci_high,
        alpha,
        computed_at
    from statistics
)

select * from final
