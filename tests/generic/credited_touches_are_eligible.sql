{#
    Every touch an attribution mart credits was eligible for its conversion,
    recomputed from the core facts (core.fct_conversions, core.fct_touchpoints,
    core.fct_sends) rather than read off int_conversion_paths:
    - the touch and the conversion exist, with the mart's touched_at and converted_at;
    - the touch is not after the conversion;
    - it is after the previous conversion of the same cycle of the same person
      (var('attribution_conversion_cycles'); the previous one recomputed here);
    - it is inside its window: for rule `lookback`, var('attribution_lookback_days')
      for every touch type but sms_delivery, which the touch-based models never see;
      for rule `sms_platform`, the click window for sms_click, the view window for
      sms_delivery, no web session at all, and a coupon (redeemed with the
      conversion) whatever the window and the cycle.
    Returns each credited row that breaks one, with the reason.
#}
{% test credited_touches_are_eligible(model, rule='lookback') %}
{%- set lookback_seconds = attribution_window_seconds('lookback') %}
{%- set click_window_seconds = attribution_window_seconds('sms_click') %}
{%- set view_window_seconds = attribution_window_seconds('sms_view') %}
{%- if rule == 'lookback' %}
    {%- set windows = {'sms_click': lookback_seconds, 'web_session': lookback_seconds, 'coupon': lookback_seconds} %}
    {%- set exempt = [] %}
{%- elif rule == 'sms_platform' %}
    {%- set windows = {'sms_click': click_window_seconds, 'sms_delivery': view_window_seconds} %}
    {%- set exempt = ['coupon'] %}
{%- else %}
    {{ exceptions.raise_compiler_error("credited_touches_are_eligible: rule must be lookback or sms_platform") }}
{%- endif %}
with credited as (
    select * from {{ model }}
),

conversions_with_previous as (
    {{ conversions_with_previous_of_cycle() }}
),

touches as (
    select
        touchpoint_id,
        touchpoint_type,
        touched_at
    from {{ ref('fct_touchpoints') }}
    union all
    select
        concat('dlv_', send_id) as touchpoint_id,
        'sms_delivery' as touchpoint_type,
        delivered_at as touched_at
    from {{ ref('fct_sends') }}
    where is_delivered and delivered_at is not null
),

checked as (
    select
        credited.conversion_id,
        credited.touchpoint_id,
        case
            when conversions_with_previous.conversion_id is null then 'unknown conversion'
            when touches.touchpoint_id is null then 'unknown touch'
            when touches.touchpoint_type <> credited.touchpoint_type then 'touch type differs'
            when touches.touched_at <> credited.touched_at then 'touched_at differs'
            when conversions_with_previous.converted_at <> credited.converted_at then 'converted_at differs'
            when touches.touched_at > conversions_with_previous.converted_at then 'after the conversion'
            {%- if exempt %}
            when touches.touchpoint_type in ('{{ exempt | join("', '") }}') then null
            {%- endif %}
            when touches.touched_at <= conversions_with_previous.previous_converted_at
                then 'at or before the previous conversion of its cycle'
            {%- for touch_type, seconds in windows.items() %}
            when touches.touchpoint_type = '{{ touch_type }}'
                then case
                    when {{ timestamp_add_seconds('touches.touched_at', seconds) }}
                        < conversions_with_previous.converted_at then 'outside its window'
                end
            {%- endfor %}
            else 'a touch type this model does not see'
        end as reason
    from credited
    left join conversions_with_previous
        on credited.conversion_id = conversions_with_previous.conversion_id
    left join touches
        on credited.touchpoint_id = touches.touchpoint_id
)

select * from checked
where reason is not null
{% endtest %}
