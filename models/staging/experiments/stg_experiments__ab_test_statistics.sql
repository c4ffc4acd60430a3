-- One row per campaign variant (variant_id): its sums and its tests against the
-- campaign's control variant, as the experiments asset wrote them.
with statistics as (
    select * from {{ source('experiments', 'ab_test_statistics') }}
),

final as (
    select
        variant_id,
        campaign_id,
        variant_name,
        control_variant_id,
        control_rule,
        is_control_variant,
        is_journey,
        recipients,
        delivered,
        human_clicks,
        human_clickers,
        converters,
        conversions,
        revenue_usd,
        conversion_rate_abs_diff,
        conversion_rate_rel_diff,
        conversion_rate_z,
        conversion_rate_p_value,
        conversion_rate_p_value_adjusted,
        conversion_rate_ci_low,
        conversion_rate_ci_high,
        conversion_rate_mde,
        ctr_abs_diff,
        ctr_rel_diff,
        ctr_z,
        ctr_p_value,
        ctr_p_value_adjusted,
        ctr_ci_low,
        ctr_ci_high,
        ctr_mde,
        rpr_abs_diff,
        rpr_rel_diff,
        rpr_t,
        rpr_df,
        rpr_p_value,
        rpr_p_value_adjusted,
        rpr_ci_low,
        rpr_ci_high,
        rpr_mde,
        alpha,
        power,
        computed_at
    from statistics
)

select * from final
