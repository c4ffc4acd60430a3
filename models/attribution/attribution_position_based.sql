-- Position based (U-shaped): one touch gets 100%; two touches split the first and
-- last shares in proportion (50/50 by default); three or more give the first touch
-- var('attribution_position_based_first_share') (0.4), the last
-- var('attribution_position_based_last_share') (0.4), and split
-- var('attribution_position_based_middle_share') (0.2) evenly over the middle
-- ones. Shares are normalised, so figures that do not sum to 1 still give credits
-- that do.
{%- set first = var('attribution_position_based_first_share') | float %}
{%- set last = var('attribution_position_based_last_share') | float %}
{%- set middle = var('attribution_position_based_middle_share') | float %}
{{ attribution_mart(weight="
    case
        when touches_in_path = 1 then 1.0
        when touch_order = 1 then " ~ first ~ "
        when touch_order = touches_in_path then " ~ last ~ "
        else " ~ middle ~ " / (touches_in_path - 2)
    end
") }}
