-- One row per journey x touch (journey_touch_id): every person's touches grouped
-- into the journeys the data-driven models (Markov, Shapley) learn from.
-- * A converting journey is a conversion's path of int_conversion_paths (its
--   eligible touches, one journey per conversion; journey_id = conversion_id).
-- * A non-converting journey is, per person and conversion cycle, the touches
--   after the person's last conversion of that cycle (all of them for a person who
--   never converted in it) that are older than the cycle's close window at the
--   run's data horizon (journey_id = `<person_id>|<cycle>|none`): they ended in
--   nothing. The close window (close_after_seconds) is
--   var('attribution_journey_close_days') when set; else the
--   var('attribution_journey_close_quantile') (0.95) quantile of the cycle's
--   observed delay from an eligible touch to its conversion, so that at most 5% of
--   the touches that did convert had waited longer; never longer than the lookback
--   (after it no conversion can claim a touch, so a touch that old is certainly
--   closed), and the lookback for a cycle without conversions.
--   Why not the lookback alone: a data set no longer than the lookback (a month of
--   data, a 30-day window) would close no journey at all, and the models would
--   learn from converting journeys only, which makes every removal effect a mere
--   share of paths. Why not every touch (the open tail too): a touch of yesterday
--   may still convert, and counting it as null biases every conversion probability
--   down. The price of the quantile: a touch between the close window and the
--   lookback that converts later is counted as null in this run (at most about 5%
--   of the touches that convert) and as converting in a later one.
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
{%- set close_days = var('attribution_journey_close_days', none) %}
{%- set close_quantile = var('attribution_journey_close_quantile', 0.95) | float %}
{%- if not (0 < close_quantile <= 1) %}
    {{ exceptions.raise_compiler_error("attribution_journey_close_quantile must be in (0, 1], not " ~ close_quantile) }}
{%- endif %}

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

observed_delays as (
    select
        conversion_cycle,
        {{ percentile_cont('seconds_to_conversion', close_quantile) }} as delay_quantile_seconds
    from paths
    where is_eligible
    group by 1
),

close_windows as (
    select
        cycles.conversion_cycle,
        {%- if close_days is not none %}
            cast({{ [(close_days | float * 86400) | int, lookback_seconds] | min }} as bigint)
        {%- else %}
            least(
                coalesce(cast(round(observed_delays.delay_quantile_seconds) as bigint), {{ lookback_seconds }}),
                cast({{ lookback_seconds }} as bigint)
            )
        {%- endif %} as close_after_seconds
    from cycles
    left join observed_delays on cycles.conversion_cycle = observed_delays.conversion_cycle
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
        concat(touchpoints.person_id, '|', close_windows.conversion_cycle, '|none') as journey_id,
        close_windows.conversion_cycle,
        touchpoints.person_id,
        false as is_converted,
        {{ row_number_over(
            ['touchpoints.person_id', 'close_windows.conversion_cycle'],
            ['touchpoints.touched_at', 'touchpoints.touchpoint_id']
        ) }} as step,
        touchpoints.touchpoint_id,
        touchpoints.channel,
        touchpoints.campaign_id,
        touchpoints.touched_at
    from touchpoints
    cross join close_windows
    cross join horizon
    left join last_conversions
        on
            touchpoints.person_id = last_conversions.person_id
            and close_windows.conversion_cycle = last_conversions.conversion_cycle
    where
        touchpoints.person_id is not null
        and (last_conversions.last_converted_at is null or touchpoints.touched_at > last_conversions.last_converted_at)
        and {{ timestamp_add_seconds('touchpoints.touched_at', 'close_windows.close_after_seconds') }}
        < horizon.data_horizon
),

journeys as (
    select * from converting
    union all
    select * from non_converting
),

final as (
    select
        concat(journeys.journey_id, '#', cast(journeys.step as {{ api.Column.translate_type('string') }}))
            as journey_touch_id,
        journeys.*,
        {{ attribution_state('journeys.channel', 'journeys.campaign_id') }} as state,
        '{{ var('attribution_journey_state') }}' as state_kind,
        close_windows.close_after_seconds,
        horizon.data_horizon
    from journeys
    inner join close_windows on journeys.conversion_cycle = close_windows.conversion_cycle
    cross join horizon
)

select * from final
