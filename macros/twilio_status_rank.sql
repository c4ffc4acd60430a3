{#
    Where a Twilio message status stands in the delivery sequence
    (var('twilio_status_order')): a message's current status is the one furthest
    along, whatever order the callbacks arrived in. Unknown statuses rank 0.
#}
{% macro twilio_status_rank(column) -%}
    case lower({{ column }})
    {%- for status, rank in var('twilio_status_order').items() %}
        when '{{ status }}' then {{ rank }}
    {%- endfor %}
        else 0
    end
{%- endmacro %}
