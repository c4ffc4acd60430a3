-- The eligible touches of every conversion, recomputed from the core facts
-- (core.fct_conversions, core.fct_touchpoints) rather than read off the paths
-- model's own columns, must be exactly the eligible rows of int_conversion_paths;
-- a conversion with none must be there, unattributed. A touch is eligible when it
-- is the conversion's person's or the click the conversion carries, not after the
-- conversion, no more than var('attribution_lookback_days') x 86400 s before it
-- (here: the touch moved forward by the window is not before the conversion), and
-- after the person's previous conversion of the same cycle (recomputed here by a
-- self-join, var('attribution_conversion_cycles')).
-- Returns every difference: a (conversion, touch) with expected_rows <> actual_rows.
{%- set lookback_seconds = attribution_window_seconds('lookback') %}

with conversions as (
    {{ conversions_with_previous_of_cycle() }}
),

touchpoints as (
    select * from {{ ref('fct_touchpoints') }}
),

paths as (
    select * from {{ ref('int_conversion_paths') }}
),

-- The two ways a touch belongs to a conversion are two equi-joins, unioned: one
-- join on `person = person or click = click` cannot be a hash join, and on the
-- large preset that nested loop ran for more than 26 minutes.
candidates as (
    select
        conversions.conversion_id,
        conversions.converted_at,
        conversions.previous_converted_at,
        touchpoints.touchpoint_id,
        touchpoints.touched_at
    from conversions
    inner join touchpoints
        on conversions.person_id = touchpoints.person_id
    union all
    select
        conversions.conversion_id,
        conversions.converted_at,
        conversions.previous_converted_at,
        touchpoints.touchpoint_id,
        touchpoints.touched_at
    from conversions
    inner join touchpoints
        on
            conversions.sms_click_id = touchpoints.sms_click_id
            and touchpoints.touchpoint_type = 'sms_click'
),

expected as (
    select distinct
        conversion_id,
        touchpoint_id
    from candidates
    where
        not touched_at > converted_at
        and {{ timestamp_add_seconds('touched_at', lookback_seconds) }} >= converted_at
        and (previous_converted_at is null or touched_at > previous_converted_at)
),

conversions_with_a_touch as (
    select distinct conversion_id from expected
),

keyed_expected as (
    select
        conversion_id,
        touchpoint_id as touchpoint_key,
        count(*) as expected_rows
    from expected
    group by 1, 2
    union all
    select
        conversions.conversion_id,
        '(none)' as touchpoint_key,
        1 as expected_rows
    from conversions
    left join conversions_with_a_touch
        on conversions.conversion_id = conversions_with_a_touch.conversion_id
    where conversions_with_a_touch.conversion_id is null
),

keyed_actual as (
    select
        conversion_id,
        touchpoint_id as touchpoint_key,
        count(*) as actual_rows
    from paths
    where is_eligible
    group by 1, 2
    union all
    select
        conversion_id,
        '(none)' as touchpoint_key,
        1 as actual_rows
    from paths
    group by conversion_id
    having max(case when is_attributed then 1 else 0 end) = 0
)

select
    coalesce(keyed_expected.conversion_id, keyed_actual.conversion_id) as conversion_id,
    coalesce(keyed_expected.touchpoint_key, keyed_actual.touchpoint_key) as touchpoint_key,
    coalesce(keyed_expected.expected_rows, 0) as expected_rows,
    coalesce(keyed_actual.actual_rows, 0) as actual_rows
from keyed_expected
full outer join keyed_actual
    on
        keyed_expected.conversion_id = keyed_actual.conversion_id
        and keyed_expected.touchpoint_key = keyed_actual.touchpoint_key
where coalesce(keyed_expected.expected_rows, 0) <> coalesce(keyed_actual.actual_rows, 0)
