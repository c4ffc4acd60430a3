-- Fails on every path row whose touch is more than var('attribution_lookback_days')
-- before its conversion (to the second), or on an attributed row without a touch time.
select *
from {{ ref('int_conversion_paths') }}
where
    (is_attributed and touched_at is null)
    or touched_at < {{ timestamp_add_seconds('converted_at', -(var('attribution_lookback_days') | int * 86400)) }}
