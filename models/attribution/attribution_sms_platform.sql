-- The SMS platform's own view (what Attentive and Postscript report): all credit
-- to the last SMS interaction. A unique SMS coupon redeemed with the conversion
-- wins, whatever the window; else the last human click inside the click window
-- (var('sms_platform_click_window_days'), default 7); else the last delivered
-- message inside the view window (var('sms_platform_view_window_hours'), default
-- 24). Web sessions and other channels are ignored. Ties on touched_at go to the
-- largest touchpoint_id.
{{ attribution_mart(eligible='is_sms_platform_eligible', weight="
    case
        when " ~ row_number_over('conversion_id', [
            "case when is_coupon_redeemed then 1 when touchpoint_type = 'sms_click' then 2 else 3 end",
            'touched_at desc',
            'touchpoint_id desc'
        ]) ~ " = 1 then 1
        else 0
    end
") }}
