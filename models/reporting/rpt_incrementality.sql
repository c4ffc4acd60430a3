-- One row per campaign with experiment members, plus one row for the global holdout
-- (campaign_id `global`): treatment against control, intention to treat. Conversions
-- are every conversion of a member inside the measurement window (the campaign's:
-- var('experiment_window_days') days from the send, the control's clock starting
-- when its members would have been sent; the global holdout's: the whole history),
-- whatever attribution says: that is the point of a holdout.
-- Lift: absolute = treatment rate - control rate, relative = absolute / control
-- rate; incremental conversions and revenue = the absolute lift x the treatment's
-- members. Intervals (95% at the default var('experiment_alpha')): the absolute
-- lift's by Newcombe's hybrid score interval (Wald's covered 88.5% of simulated
-- holdouts), the relative lift's by the delta method on the log of the rate ratio
-- (Katz); revenue per recipient by a quasi-Poisson score test (MOVER interval). The
-- p-value is the pooled two-proportion z-test's. measurement_status says when a row
-- cannot be read as a causal estimate.
with statistics as (
    select * from {{ ref('stg_experiments__incrementality_statistics') }}
),

final as (
    select
        campaign_id,
        is_global_holdout,
        case
            when is_journey and control_members = 0 then 'journey_control_not_clocked'
            when control_members = 0 then 'no_control_group'
            when treatment_members = 0 then 'no_treatment_group'
            when not is_window_complete then 'window_open'
            else 'complete'
        end as measurement_status,
        is_window_complete,
        measured_from,
        measured_until,
        treatment_members,
        control_members,
        treatment_converters,
        control_converters,
        treatment_conversions,
        control_conversions,
        {{ safe_ratio('treatment_converters', 'treatment_members') }} as treatment_conversion_rate,
        {{ safe_ratio('control_converters', 'control_members') }} as control_conversion_rate,
        treatment_revenue_usd,
        control_revenue_usd,
        {{ safe_ratio('treatment_revenue_usd', 'treatment_members') }} as treatment_revenue_per_recipient,
        {{ safe_ratio('control_revenue_usd', 'control_members') }} as control_revenue_per_recipient,
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
        rpr_p_value,
        incremental_revenue,
        incremental_revenue_ci_low,
        incremental_revenue_ci_high,
        'delta method (log ratio)' as rel_lift_ci_method,
        alpha,
        computed_at
    from statistics
)

select * from final
