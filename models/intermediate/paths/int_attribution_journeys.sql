-- One row per journey x touch (journey_touch_id): every person's touches grouped
-- into the journeys the data-driven models (Markov, Shapley) learn from.
-- * A converting journey is a conversion's path of int_conversion_paths (its
--   eligible touches, one journey per conversion; journey_id = conversion_id).
-- * A non-converting journey is, per person and conversion cycle, the touches
--   after the person's last conversion of that cycle (all of them for a person who
--   never converted in it) that are older than the lookback window at the run's
--   data horizon: no later conversion can claim them any more, so they ended in
--   nothing (journey_id = `<person_id>|<cycle>|none`). The open tail (touches
--   inside the lookback before the horizon) is left out: it may still convert, and
--   counting it as null would bias every conversion probability down.
--   The data horizon is the latest touch or conversion in the warehouse, or
--   var('attribution_data_horizon') when set.
-- Touches of no resolved person and touches between two conversions that neither
-- conversion's window reached are in no journey. state is the chain's state,
-- var('attribution_journey_state'): `channel` (default) or `channel_campaign`
-- (`sms:<campaign_id>`, and the channel alone for non-SMS touches). Consecutive
-- repeats of a state are kept here (step numbers every touch) and collapsed by the
-- chain.
{%- set lookback_seconds = attribution_window_seconds('lookback') %}
{%- set cycles = var('attribution_conversion_cycles') %}
{%- set horizon = var('attribution_data_horizon', none) %}

with paths as (
    select * from {{ ref('int_conversion_paths') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

conversions as (
    select * from {{ ref('int_conversions_deduplicated') }}
),

horizon as (
    {%- if horizon %}
        select cast('{{ horizon }}' as timestamp) as data_horizon
    {%- else %}
        select max(latest_at) as data_horizon
        from (
            select max(touched_at) as latest_at from touchpoints
            union all
            select max(converted_at) as latest_at from conversions
        ) as latest
    {%- endif %}
),

cycles as (
    {%- for cycle in cycles.values() | unique | sort %}
        select '{{ cycle }}' as conversion_cycle
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

last_conversions as (
    select
        person_id,
        {{ conversion_cycle('conversion_type') }} as conversion_cycle,
        max(converted_at) as last_converted_at
    from conversions
    where person_id is not null
    group by 1, 2
),

converting as (
    select
        conversion_id as journey_id,
        conversion_cycle,
        person_id,
        true as is_converted,
        touch_order as step,
        touchpoint_id,
        channel,
        campaign_id,
        touched_at
    from paths
    where is_eligible
),

non_converting as (
    select
        concat(touchpoints.person_id, '|', cycles.conversion_cycle, '|none') as journey_id,
        cycles.conversion_cycle,
        touchpoints.person_id,
        false as is_converted,
        {{ row_number_over(
            ['touchpoints.person_id', 'cycles.conversion_cycle'],
            ['touchpoints.touched_at', 'touchpoints.touchpoint_id']
        ) }} as step,
        touchpoints.touchpoint_id,
        touchpoints.channel,
        touchpoints.campaign_id,
        touchpoints.touched_at
    from touchpoints
    cross join cycles
    cross join horizon
    left join last_conversions
        on
            touchpoints.person_id = last_conversions.person_id
            and cycles.conversion_cycle = last_conversions.conversion_cycle
    where
        touchpoints.person_id is not null
        and (last_conversions.last_converted_at is null or touchpoints.touched_at > last_conversions.last_converted_at)
        and {{ timestamp_add_seconds('touchpoints.touched_at', lookback_seconds) }} < horizon.data_horizon
),

journeys as (
    select * from converting
    union all
    select * from non_converting
),

final as (
    select
        concat(journey_id, '#', cast(step as {{ api.Column.translate_type('string') }})) as journey_touch_id,
        *,
        {{ attribution_state('channel', 'campaign_id') }} as state
    from journeys
)

select * from final
