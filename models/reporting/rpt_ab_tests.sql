-- One row per campaign x variant (variant_id): each variant of a campaign's A/B test
-- beside its control variant. Counts and rates are the variant's recipients' (the
-- members whose first message was the variant, int_experiment_members); conversions
-- and revenue are every conversion of the recipient inside the measurement window
-- (var('experiment_window_days') days from the send), whatever attribution says.
-- The tests come from the experiments asset (scipy): conversion rate and CTR by the
-- two-proportion z-test (pooled; Newcombe's interval for the difference), revenue
-- per recipient by a quasi-Poisson score test (variance = dispersion x mean, pooled) on
-- per-recipient revenue, zeros included; 95% intervals for the difference;
-- Benjamini-Hochberg adjusted p-values across the campaign's variants; the
-- minimum detectable effect at var('experiment_power') power with the sample the
-- comparison had. The control's own row carries its rates and null statistics.
with statistics as (
    select * from {{ ref('stg_experiments__ab_test_statistics') }}
),

final as (
    select
        variant_id,
        campaign_id,
        variant_name,
        is_control_variant,
        control_variant_id,
        control_rule,
        recipients,
        delivered,
        human_clicks,
        human_clickers,
        {{ safe_ratio('human_clickers', 'delivered') }} as ctr,
        converters,
        conversions,
        {{ safe_ratio('converters', 'recipients') }} as conversion_rate,
        revenue_usd,
        {{ safe_ratio('revenue_usd', 'recipients') }} as revenue_per_recipient,
        {{ safe_ratio('revenue_usd', 'human_clicks') }} as rpc,
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
        coalesce(conversion_rate_p_value_adjusted < alpha, false) as is_conversion_rate_significant,
        coalesce(ctr_p_value_adjusted < alpha, false) as is_ctr_significant,
        coalesce(rpr_p_value_adjusted < alpha, false) as is_rpr_significant,
        alpha,
        power,
        computed_at
    from statistics
    where not is_journey
)

select * from final
