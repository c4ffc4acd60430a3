-- One row per experiment x attribution model (attribution_calibration_id): for every
-- campaign with a control group, and for the global holdout (campaign_id `global`),
-- the conversions and revenue each attribution model credits to it beside what the
-- holdout measured as incremental, with its interval: how far each model's credit is
-- from the causal effect. A campaign's credit counts the model's credits to the
-- campaign's touches (any variant) for conversions inside the campaign's
-- measurement span [measured_from, measured_until); the global holdout's, the
-- credits to every SMS touch (channel `sms`) over its span, the whole history.
-- credit_ratio = attributed / incremental (null unless the incremental estimate is
-- positive): above 1 the model over-credits SMS, below 1 it under-credits.
-- is_within_interval: the attributed figure lies inside the holdout's 95% interval
-- (the model is consistent with the experiment).
with incrementality as (
    select * from {{ ref('stg_experiments__incrementality_statistics') }}
    where control_members > 0 and treatment_members > 0
),

credits as (
    {{ attribution_marts_unioned(['campaign_id', 'channel', 'converted_at', 'credit', 'attributed_revenue_usd']) }}
),

models as (
    {%- for model in var('attribution_models') %}
        select '{{ model }}' as attribution_model
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

experiment_models as (
    select
        incrementality.*,
        models.attribution_model
    from incrementality
    cross join models
),

credited as (
    select
        experiment_models.campaign_id,
        experiment_models.attribution_model,
        sum(credits.credit) as attributed_conversions,
        sum(coalesce(credits.attributed_revenue_usd, 0)) as attributed_revenue_usd
    from experiment_models
    inner join credits
        on
            experiment_models.attribution_model = credits.attribution_model
            and (
                experiment_models.campaign_id = credits.campaign_id
                or (experiment_models.is_global_holdout and credits.channel = 'sms')
            )
            and experiment_models.measured_from <= credits.converted_at
            and (
                experiment_models.measured_until > credits.converted_at
                or (experiment_models.is_global_holdout and experiment_models.measured_until = credits.converted_at)
            )
    group by experiment_models.campaign_id, experiment_models.attribution_model
),

compared as (
    select
        experiment_models.*,
        cast(coalesce(credited.attributed_conversions, 0) as double) as attributed_conversions,
        cast(coalesce(credited.attributed_revenue_usd, 0) as double) as attributed_revenue_usd
    from experiment_models
    left join credited
        on
            experiment_models.campaign_id = credited.campaign_id
            and experiment_models.attribution_model = credited.attribution_model
),

final as (
    select
        concat(campaign_id, '|', attribution_model) as attribution_calibration_id,
        campaign_id,
        attribution_model,
        is_global_holdout,
        is_window_complete,
        treatment_members,
        control_members,
        attributed_conversions,
        incremental_conversions,
        incremental_conversions_ci_low,
        incremental_conversions_ci_high,
        case when incremental_conversions > 0 then attributed_conversions / incremental_conversions end
            as conversion_credit_ratio,
        attributed_conversions - incremental_conversions as conversions_over_credited,
        coalesce(
            attributed_conversions >= incremental_conversions_ci_low
            and attributed_conversions <= incremental_conversions_ci_high,
            false
        ) as is_conversions_within_interval,
        attributed_revenue_usd,
        incremental_revenue,
        incremental_revenue_ci_low,
        incremental_revenue_ci_high,
        case when incremental_revenue > 0 then attributed_revenue_usd / incremental_revenue end
            as revenue_credit_ratio,
        attributed_revenue_usd - incremental_revenue as revenue_over_credited,
        coalesce(
            attributed_revenue_usd >= incremental_revenue_ci_low
            and attributed_revenue_usd <= incremental_revenue_ci_high,
            false
        ) as is_revenue_within_interval,
        computed_at
    from compared
)

select * from final
