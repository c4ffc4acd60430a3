{#
    The SMS cost of campaigns at the grain `dimensions` (columns among campaign_id,
    variant_id, segment): a select statement for a CTE, one row per dimension
    value with
    * message_cost_usd: Twilio's price of the messages (core.fct_sends.cost_usd,
      segments x price, in USD on the day sent);
    * spend_cost_usd: the spend file's SMS lines allocated to campaigns
      (core.fct_sms_spend_allocations: mapped by campaign id or name, split over
      variants by sends; Twilio's own lines are left out there, since they bill the
      same messages). A line that maps to no campaign is on its own row,
      '(unmapped spend)' in every dimension; a line in a currency without a rate
      is not in the cost but counted (unconverted_spend_lines);
    * cost_usd = message_cost_usd + spend_cost_usd.
    A dimension a send does not know is '(unknown)'. rpt_campaign_performance,
    rpt_segment_performance and rpt_pipeline take their cost from here, so the
    same campaign costs the same in each.
#}
{% macro sms_campaign_costs(dimensions) -%}
{%- set unknown = "'(unknown)'" -%}
{%- set unmapped = "'(unmapped spend)'" -%}
    select
        {%- for d in dimensions %}
        coalesce(costs_unioned.{{ d }}, {{ unknown }}) as {{ d }},
        {%- endfor %}
        cast(coalesce(sum(costs_unioned.message_cost_usd), 0) as decimal(18, 4)) as message_cost_usd,
        cast(coalesce(sum(costs_unioned.spend_cost_usd), 0) as decimal(18, 4)) as spend_cost_usd,
        cast(
            coalesce(sum(costs_unioned.message_cost_usd), 0) + coalesce(sum(costs_unioned.spend_cost_usd), 0)
            as decimal(18, 4)
        ) as cost_usd,
        count(distinct costs_unioned.unconverted_spend_line_id) as unconverted_spend_lines
    from (
        select
            {%- for d in dimensions %}
            fct_sends.{{ d }},
            {%- endfor %}
            fct_sends.cost_usd as message_cost_usd,
            cast(null as decimal(18, 4)) as spend_cost_usd,
            cast(null as {{ api.Column.translate_type('string') }}) as unconverted_spend_line_id
        from {{ ref('fct_sends') }} as fct_sends
        where fct_sends.campaign_id is not null
        union all
        select
            {%- for d in dimensions %}
            case when allocations.is_mapped then allocations.{{ d }} else {{ unmapped }} end as {{ d }},
            {%- endfor %}
            cast(null as decimal(18, 4)) as message_cost_usd,
            case when allocations.is_converted then allocations.allocated_cost_usd end as spend_cost_usd,
            case when not allocations.is_converted then allocations.spend_line_id end as unconverted_spend_line_id
        from {{ ref('fct_sms_spend_allocations') }} as allocations
    ) as costs_unioned
    group by {% for d in dimensions %}{{ loop.index }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- endmacro %}
