-- First touch: all credit to the earliest eligible touch (ties on touched_at go to
-- the smallest touchpoint_id: touch_order numbers by touched_at, then touchpoint_id).
{{ attribution_mart(weight='case when touch_order = 1 then 1 else 0 end') }}
