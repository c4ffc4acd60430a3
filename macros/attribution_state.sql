{#
    The data-driven models' state of a touch, var('attribution_journey_state'):
    `channel` (default), or `channel_campaign`, where an SMS touch with a campaign is
    `sms:<campaign_id>` and every other touch its channel. One definition for the
    journeys the weights are learned from and the marts that apply them.
#}
{% macro attribution_state(channel, campaign_id) -%}
    {%- set kind = var('attribution_journey_state') -%}
    {%- if kind == 'channel' -%}
        {{ channel }}
    {%- elif kind == 'channel_campaign' -%}
        case when {{ channel }} = 'sms' and {{ campaign_id }} is not null then concat('sms:', {{ campaign_id }}) else {{ channel }} end
    {%- else -%}
        {{ exceptions.raise_compiler_error("var attribution_journey_state must be 'channel' or 'channel_campaign', not " ~ kind) }}
    {%- endif -%}
{%- endmacro %}
