{#
    The SMS performance measures of CONTRACT.md's rpt_campaign_performance, at the
    grain `dimensions` (columns among campaign_id, variant_id, segment) x
    attribution model: a select statement, the body of rpt_campaign_performance
    (campaign_id, variant_id) and rpt_segment_performance (segment). Every count is
    taken at the requested grain from the core facts (distinct clickers too, so a
    person in two variants is one clicker of their segment), and every ratio is
    computed from those sums, never averaged from a finer grain.

    Sources: sends, delivered, message cost (core.fct_sends); raw and human clicks,
    unique human clickers, landings and engaged landings (core.fct_clicks, human =
    is_human); attributed conversions, revenue and affiliate payout (credit x
    core.fct_conversions.affiliate_payout_usd) (each attribution mart of
    var('attribution_models'), its SMS touches, by the touch's campaign, variant and
    segment); cost: the messages' price and the SMS spend allocated to campaigns
    (macros/sms_campaign_costs.sql), with unmapped spend on its own row
    ('(unmapped spend)' in every dimension). A dimension a row does not know
    (a shared link's click names no variant) is '(unknown)'.
#}
{% macro campaign_performance(dimensions) -%}
{%- set unknown = "'(unknown)'" -%}
{%- set dims_template -%}
    {%- for d in dimensions %}coalesce(__relation__.{{ d }}, {{ unknown }}) as {{ d }}{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endset -%}
{%- set group_positions -%}
    {%- for d in dimensions %}{{ loop.index }}{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endset -%}
{%- set joined_template -%}
    {%- for d in dimensions %}__left__.{{ d }} = __right__.{{ d }}{% if not loop.last %} and {% endif %}{% endfor -%}
{%- endset -%}

with sends as (
    select * from {{ ref('fct_sends') }}
    where campaign_id is not null
),

clicks as (
    select * from {{ ref('fct_clicks') }}
    where campaign_id is not null
),

credited as (
    {{ attribution_marts_unioned(['conversion_id', 'campaign_id', 'variant_id', 'segment', 'credit',
                                  'attributed_revenue_usd']) }}
),

conversions as (
    select * from {{ ref('fct_conversions') }}
),

attribution_models as (
    {{ attribution_model_names() }}
),

sends_measured as (
    select
        {{ dims_template | replace('__relation__', 'sends') }},
        count(*) as sends,
        sum(case when sends.is_delivered then 1 else 0 end) as delivered
    from sends
    group by {{ group_positions }}
),

clicks_measured as (
    select
        {{ dims_template | replace('__relation__', 'clicks') }},
        count(*) as raw_clicks,
        sum(case when clicks.is_human then 1 else 0 end) as human_clicks,
        count(distinct case
            when clicks.is_human then coalesce(clicks.person_id, clicks.subscriber_id, clicks.click_id)
        end) as unique_human_clickers,
        sum(case when clicks.is_human and clicks.has_landed then 1 else 0 end) as landings,
        sum(case when clicks.is_human and clicks.is_landing_engaged then 1 else 0 end) as engaged_landings
    from clicks
    group by {{ group_positions }}
),

credited_measured as (
    select
        credited.attribution_model,
        {{ dims_template | replace('__relation__', 'credited') }},
        sum(credited.credit) as attributed_conversions,
        sum(credited.attributed_revenue_usd) as attributed_revenue_usd,
        sum(credited.credit * conversions.affiliate_payout_usd) as attributed_affiliate_payout_usd
    from credited
    left join conversions
        on credited.conversion_id = conversions.conversion_id
    where credited.campaign_id is not null
    group by 1{% for d in dimensions %}, {{ loop.index + 1 }}{% endfor %}
),

costs_measured as (
    {{ sms_campaign_costs(dimensions) }}
),

dimension_keys as (
    select {{ dimensions | join(', ') }} from sends_measured
    union
    select {{ dimensions | join(', ') }} from clicks_measured
    union
    select {{ dimensions | join(', ') }} from credited_measured
    union
    select {{ dimensions | join(', ') }} from costs_measured
),

measured as (
    select
        {%- for d in dimensions %}
        dimension_keys.{{ d }},
        {%- endfor %}
        attribution_models.attribution_model,
        coalesce(sends_measured.sends, 0) as sends,
        coalesce(sends_measured.delivered, 0) as delivered,
        coalesce(clicks_measured.raw_clicks, 0) as raw_clicks,
        coalesce(clicks_measured.human_clicks, 0) as human_clicks,
        coalesce(clicks_measured.unique_human_clickers, 0) as unique_human_clickers,
        coalesce(clicks_measured.landings, 0) as landings,
        coalesce(clicks_measured.engaged_landings, 0) as engaged_landings,
        coalesce(credited_measured.attributed_conversions, 0) as attributed_conversions,
        coalesce(credited_measured.attributed_revenue_usd, 0) as attributed_revenue_usd,
        coalesce(credited_measured.attributed_affiliate_payout_usd, 0) as attributed_affiliate_payout_usd,
        coalesce(costs_measured.message_cost_usd, 0) as message_cost_usd,
        coalesce(costs_measured.spend_cost_usd, 0) as spend_cost_usd,
        coalesce(costs_measured.cost_usd, 0) as cost_usd,
        coalesce(costs_measured.unconverted_spend_lines, 0) as unconverted_spend_lines
    from dimension_keys
    cross join attribution_models
    left join sends_measured on {{ joined_template | replace('__left__', 'dimension_keys') | replace('__right__', 'sends_measured') }}
    left join clicks_measured on {{ joined_template | replace('__left__', 'dimension_keys') | replace('__right__', 'clicks_measured') }}
    left join credited_measured
        on
            {{ joined_template | replace('__left__', 'dimension_keys') | replace('__right__', 'credited_measured') }}
            and attribution_models.attribution_model = credited_measured.attribution_model
    left join costs_measured on {{ joined_template | replace('__left__', 'dimension_keys') | replace('__right__', 'costs_measured') }}
)

select
    concat({% for d in dimensions %}{{ d }}, '|', {% endfor %}attribution_model) as {{ dimensions | join('_') | replace('_id', '') }}_performance_id,
    {%- for d in dimensions %}
    {{ d }},
    {%- endfor %}
    attribution_model,
    cast(sends as {{ api.Column.translate_type('bigint') }}) as sends,
    cast(delivered as {{ api.Column.translate_type('bigint') }}) as delivered,
    {{ safe_ratio('delivered', 'sends') }} as delivery_rate,
    cast(raw_clicks as {{ api.Column.translate_type('bigint') }}) as raw_clicks,
    cast(human_clicks as {{ api.Column.translate_type('bigint') }}) as human_clicks,
    cast(unique_human_clickers as {{ api.Column.translate_type('bigint') }}) as unique_human_clickers,
    cast(landings as {{ api.Column.translate_type('bigint') }}) as landings,
    cast(engaged_landings as {{ api.Column.translate_type('bigint') }}) as engaged_landings,
    cast(attributed_conversions as {{ api.Column.translate_type('double') }}) as attributed_conversions,
    cast(attributed_revenue_usd as {{ api.Column.translate_type('double') }}) as attributed_revenue_usd,
    cast(attributed_affiliate_payout_usd as {{ api.Column.translate_type('double') }})
        as attributed_affiliate_payout_usd,
    cast(message_cost_usd as decimal(18, 4)) as message_cost_usd,
    cast(spend_cost_usd as decimal(18, 4)) as spend_cost_usd,
    cost_usd,
    cast(unconverted_spend_lines as {{ api.Column.translate_type('bigint') }}) as unconverted_spend_lines,
    {{ safe_ratio('human_clicks', 'delivered') }} as ctr,
    {{ safe_ratio('attributed_conversions', 'human_clicks') }} as click_to_conversion_rate,
    {{ safe_ratio('attributed_revenue_usd * 1000', 'sends') }} as rpm,
    {{ safe_ratio('attributed_revenue_usd', 'human_clicks') }} as rpc,
    {{ safe_ratio('attributed_affiliate_payout_usd', 'human_clicks') }} as epc,
    {{ safe_ratio('cost_usd', 'attributed_conversions') }} as cpa,
    {{ safe_ratio('attributed_revenue_usd', 'cost_usd') }} as roas
from measured
{%- endmacro %}
