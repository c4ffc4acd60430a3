-- Fails on every touch in a path that is neither the conversion's person's (both
-- resolved and equal) nor the direct click-id match.
select *
from {{ ref('int_conversion_paths') }}
where
    touchpoint_id is not null
    and not is_direct_click_match
    and not coalesce(touch_person_id = person_id, false)
