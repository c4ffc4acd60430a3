{#
    One definition of an attribution mart (../shared/CONTRACT.md section 2, "One
    attribution mart per model"): the contract's column set, one row per
    (conversion_id, touchpoint_id), read from intermediate.int_conversion_paths.
    A model is its weighting rule and nothing else:

    - weight: a SQL expression over a path row's columns (touch_order,
      touches_in_path, is_last_touch, seconds_to_conversion, channel,
      touchpoint_type, is_coupon_redeemed, ...; window functions partitioned by
      conversion_id are allowed). Rows of weight 0 are not credited.
    - eligible: the path column that says which touches the model sees:
      `is_eligible` (the touch-based models' lookback and cycle) or
      `is_sms_platform_eligible` (the SMS platform's windows, deliveries, coupons).

    - weights: for the data-driven models, the model name in
      staging.stg_weights__attribution_weights (`markov`, `shapley`; the latest run): each path row
      gets its state's weight_value (state = attribution_state(channel,
      campaign_id), in the conversion's cycle) and state_touches, the number of
      the path's touches in that state. Their rule, unless `weight` is given: a
      state's weight, split equally over its touches on the path; a state of weight
      <= 0 gets nothing; a path whose states all weigh <= 0 is split equally.

    credit = weight / the sum of the conversion's weights, so the credits of one
    conversion sum to 1 and each is in (0, 1]; attributed_revenue_usd = credit x the
    conversion's net revenue in USD (0 for a lead, null where the currency is
    unknown). The columns' types and tests are in models/attribution/, once, by YAML
    anchors.
#}
{% macro attribution_mart(weight=none, eligible='is_eligible', weights=none) -%}
{%- set double_type = api.Column.translate_type('double') -%}
{%- if weight is none and weights -%}
    {%- set weight -%}
        case
            when max(weight_value) over (partition by conversion_id) > 0
                then greatest(weight_value, 0) / state_touches
            else 1.0
        end
    {%- endset -%}
{%- elif weight is none -%}
    {{ exceptions.raise_compiler_error("attribution_mart: a weight expression, or weights='<model>'") }}
{%- endif -%}
with paths_eligible as (
    select * from {{ ref('int_conversion_paths') }}
    where {{ eligible }}
),
{%- if weights %}

state_weights as (
    select * from {{ ref('stg_weights__attribution_weights') }}
    where model = '{{ weights }}' and is_latest_run
),

paths_stated as (
    select
        *,
        {{ attribution_state('channel', 'campaign_id') }} as state
    from paths_eligible
),

paths as (
    select
        paths_stated.*,
        coalesce(state_weights.weight_value, 0) as weight_value,
        count(*) over (partition by paths_stated.conversion_id, paths_stated.state) as state_touches
    from paths_stated
    left join state_weights
        on
            paths_stated.conversion_cycle = state_weights.conversion_cycle
            and paths_stated.state = state_weights.state
),
{%- else %}

paths as (
    select * from paths_eligible
),
{%- endif %}

weighted as (
    select
        *,
        cast({{ weight }} as {{ double_type }}) as weight
    from paths
),

credited as (
    select
        *,
        weight / sum(weight) over (partition by conversion_id) as credit
    from weighted
    where weight > 0
),

final as (
    select
        conversion_id,
        touchpoint_id,
        touchpoint_type,
        channel,
        campaign_id,
        variant_id,
        segment,
        touched_at,
        converted_at,
        conversion_type,
        cast(credit as {{ double_type }}) as credit,
        cast(credit * revenue_usd as {{ double_type }}) as attributed_revenue_usd
    from credited
)

select * from final
{%- endmacro %}
