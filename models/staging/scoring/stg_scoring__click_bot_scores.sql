-- One row per scored click (click_id): the bot score that the Python asset
-- scoring/click_bot_scores wrote, as it wrote it. The asset runs after the staged
-- models it reads, so this model is built after it (selectors.yml,
-- nightly_downstream), never in the staging step.
with source as (
    select * from {{ source('scoring', 'click_bot_scores') }}
),

final as (
    select
        click_id,
        bot_score,
        is_bot,
        reasons,
        ua_family,
        ip_network,
        seconds_after_delivery,
        has_landed,
        scored_at,
        scoring_version
    from source
)

select * from final
