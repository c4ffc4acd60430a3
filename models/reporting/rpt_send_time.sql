-- One row per subscriber-local send weekday x local send hour x attribution model
-- (send_time_id): what messages sent at that local time earned. The local time is
-- the subscriber's wall clock when the message was queued (core.fct_sends.
-- queued_at_local, their IANA time zone, DST-correct); local_weekday is ISO (1 =
-- Monday, 7 = Sunday). Sends whose subscriber has no known time zone are one row
-- with both null. Human clicks are the clicks on the message (core.fct_clicks by
-- send_id); attributed revenue is what the model credits to those clicks (the
-- mart's sms_click touches, whose touchpoint_id is the click_id) and, under
-- sms_platform, to the delivered message itself (`dlv_<send_id>`); a coupon touch
-- names no message and is not here. clicks_per_message = human_clicks / sends,
-- revenue_per_message = attributed_revenue_usd / sends (null when no sends).
with sends_local as (
    select
        send_id,
        queued_at_local,
        cast(queued_at_local as date) as local_date
    from {{ ref('fct_sends') }}
),

sends as (
    select
        send_id,
        cast(extract(hour from queued_at_local) as {{ api.Column.translate_type('integer') }}) as local_hour,
        -- ISO weekday: days since Monday 2001-01-01, mod 7, plus 1
        cast(
            {{ dbt.datediff("cast('2001-01-01' as date)", 'local_date', 'day') }} % 7 + 1  -- noqa: LT05
            as {{ api.Column.translate_type('integer') }}
        ) as local_weekday
    from sends_local
),

clicks as (
    select * from {{ ref('fct_clicks') }}
    where send_id is not null
),

credited as (
    {{ attribution_marts_unioned(['touchpoint_id', 'touchpoint_type', 'attributed_revenue_usd']) }}
),

attribution_models as (
    {{ attribution_model_names() }}
),

credited_sends as (
    select
        credited.attribution_model,
        coalesce(clicks.send_id, substring(credited.touchpoint_id, 5)) as send_id,
        credited.attributed_revenue_usd
    from credited
    left join clicks
        on credited.touchpoint_type = 'sms_click' and credited.touchpoint_id = clicks.click_id
    where credited.touchpoint_type = 'sms_click' or credited.touchpoint_type = 'sms_delivery'
),

slots as (
    select
        local_weekday,
        local_hour,
        count(*) as sends
    from sends
    group by 1, 2
),

clicked as (
    select
        sends.local_weekday,
        sends.local_hour,
        sum(case when clicks.is_human then 1 else 0 end) as human_clicks
    from clicks
    inner join sends on clicks.send_id = sends.send_id
    group by 1, 2
),

earned as (
    select
        credited_sends.attribution_model,
        sends.local_weekday,
        sends.local_hour,
        sum(credited_sends.attributed_revenue_usd) as attributed_revenue_usd
    from credited_sends
    inner join sends on credited_sends.send_id = sends.send_id
    group by 1, 2, 3
),

final as (
    select
        concat(
            coalesce(cast(slots.local_weekday as {{ api.Column.translate_type('string') }}), 'unknown'), '|',
            coalesce(cast(slots.local_hour as {{ api.Column.translate_type('string') }}), 'unknown'), '|',
            attribution_models.attribution_model
        ) as send_time_id,
        slots.local_weekday,
        slots.local_hour,
        attribution_models.attribution_model,
        cast(slots.sends as {{ api.Column.translate_type('bigint') }}) as sends,
        cast(coalesce(clicked.human_clicks, 0) as {{ api.Column.translate_type('bigint') }}) as human_clicks,
        cast(coalesce(earned.attributed_revenue_usd, 0) as {{ api.Column.translate_type('double') }})
            as attributed_revenue_usd,
        {{ safe_ratio('coalesce(clicked.human_clicks, 0)', 'slots.sends') }} as clicks_per_message,
        {{ safe_ratio('coalesce(earned.attributed_revenue_usd, 0)', 'slots.sends') }} as revenue_per_message
    from slots
    cross join attribution_models
    left join clicked
        on
            slots.local_weekday is not distinct from clicked.local_weekday
            and slots.local_hour is not distinct from clicked.local_hour
    left join earned
        on
            attribution_models.attribution_model = earned.attribution_model
            and slots.local_weekday is not distinct from earned.local_weekday
            and slots.local_hour is not distinct from earned.local_hour
)

select * from final
