-- Time decay: a touch's weight halves with every half-life
-- (var('attribution_time_decay_half_life_days'), default 7) between it and the
-- conversion: weight = 2^(-seconds_to_conversion / half-life seconds); shares are
-- the weights normalised to sum to 1. The exponent is taken relative to the
-- path's latest touch (2^(-(s - s_min) / h)), which leaves every share unchanged
-- and keeps the weights from all underflowing to 0 on long paths.
{%- set half_life_seconds = var('attribution_time_decay_half_life_days') | float * 86400 %}
{{ attribution_mart(weight="
    power(
        2.0,
        -(seconds_to_conversion - min(seconds_to_conversion) over (partition by conversion_id))
        / " ~ half_life_seconds ~ "
    )
") }}
