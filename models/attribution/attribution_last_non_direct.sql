-- Last non-direct touch: all credit to the latest eligible touch whose channel is
-- not `direct`; when every touch of the path is direct, to the last touch.
{{ attribution_mart(weight="
    case
        when touch_order = coalesce(
            max(case when channel <> 'direct' then touch_order end) over (partition by conversion_id),
            touches_in_path
        ) then 1
        else 0
    end
") }}
