-- Last touch: all credit to the latest eligible touch (ties on touched_at go to the
-- largest touchpoint_id).
{{ attribution_mart(weight='case when is_last_touch then 1 else 0 end') }}
