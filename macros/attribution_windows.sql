{#
    The attribution rules' settings, read once (dbt_project.yml, "Attribution"):

    - attribution_window_seconds(kind): the window in whole seconds, `lookback`
      (var attribution_lookback_days), `sms_click` (var
      sms_platform_click_window_days) or `sms_view` (var sms_platform_view_window_hours).
    - conversion_cycle(column): the cycle of a conversion type, by var
      attribution_conversion_cycles (a type it does not name is its own cycle).
    - touch_inside_cycle_and_window(conversion, touch, seconds): the join condition
      of a candidate touch: not after the conversion, after the conversion's
      previous one of its cycle (previous_converted_at), at most `seconds` before it.
#}
{% macro attribution_window_seconds(kind) -%}
    {%- if kind == 'lookback' -%}
        {{ return(var('attribution_lookback_days') | int * 86400) }}
    {%- elif kind == 'sms_click' -%}
        {{ return((var('sms_platform_click_window_days') | float * 86400) | int) }}
    {%- elif kind == 'sms_view' -%}
        {{ return((var('sms_platform_view_window_hours') | float * 3600) | int) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("attribution_window_seconds: lookback, sms_click or sms_view, not " ~ kind) }}
    {%- endif -%}
{%- endmacro %}

{% macro conversion_cycle(column) -%}
    case {{ column }}
        {%- for conversion_type, cycle in var('attribution_conversion_cycles').items() %}
            when '{{ conversion_type }}' then '{{ cycle }}'
        {%- endfor %}
        else {{ column }}
    end
{%- endmacro %}

{% macro touch_inside_cycle_and_window(conversion, touch, seconds) -%}
    {{ conversion }}.converted_at >= {{ touch }}.touched_at
    and {{ timestamp_add_seconds(conversion ~ '.converted_at', -seconds) }} <= {{ touch }}.touched_at
    and (
        {{ conversion }}.previous_converted_at is null
        or {{ conversion }}.previous_converted_at < {{ touch }}.touched_at
    )
{%- endmacro %}
