-- Fails on every web-session touch whose session carries an sms_click_id: such a
-- session is the landing of that click (counted on the click), not a second touch.
select touchpoints.*
from {{ ref('fct_touchpoints') }} as touchpoints
inner join {{ ref('int_web_sessions') }} as sessions
    on touchpoints.session_id = sessions.session_id
where sessions.sms_click_id is not null
