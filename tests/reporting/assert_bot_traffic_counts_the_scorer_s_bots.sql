-- Per campaign, rpt_bot_traffic's raw, human and bot clicks must be what the scorer
-- wrote: the staged clicks joined to their scores (stg_scoring__click_bot_scores)
-- and to the campaign of their short link, counted here without core.fct_clicks.
-- Returns every campaign where the two disagree.
with clicks as (
    select * from {{ ref('stg_shortlinks__clicks') }}
),

scores as (
    select * from {{ ref('stg_scoring__click_bot_scores') }}
),

links as (
    select * from {{ ref('stg_shortlinks__links') }}
),

sends as (
    select * from {{ ref('stg_sms_platform__sends') }}
),

-- a personalised link's campaign is its send's when the links export does not name it
campaign_of_short_code as (
    select
        short_code,
        max(campaign_id) as campaign_id
    from sends
    group by 1
    having count(*) = 1
),

from_the_scorer as (
    select
        coalesce(links.campaign_id, campaign_of_short_code.campaign_id, '(none)') as campaign_key,
        count(*) as raw_clicks,
        count(case when scores.is_bot then 1 end) as bot_clicks,
        count(case when not coalesce(scores.is_bot, false) then 1 end) as human_clicks
    from clicks
    left join scores
        on clicks.click_id = scores.click_id
    left join links
        on clicks.short_code = links.short_code
    left join campaign_of_short_code
        on clicks.short_code = campaign_of_short_code.short_code
    group by 1
),

from_the_mart as (
    select
        coalesce(campaign_id, '(none)') as campaign_key,
        sum(raw_clicks) as raw_clicks,
        sum(bot_clicks) as bot_clicks,
        sum(human_clicks) as human_clicks
    from {{ ref('rpt_bot_traffic') }}
    group by 1
)

select
    coalesce(from_the_scorer.campaign_key, from_the_mart.campaign_key) as campaign_key,
    from_the_scorer.raw_clicks as scorer_raw_clicks,
    from_the_mart.raw_clicks as mart_raw_clicks,
    from_the_scorer.bot_clicks as scorer_bot_clicks,
    from_the_mart.bot_clicks as mart_bot_clicks,
    from_the_scorer.human_clicks as scorer_human_clicks,
    from_the_mart.human_clicks as mart_human_clicks
from from_the_scorer
full outer join from_the_mart
    on from_the_scorer.campaign_key = from_the_mart.campaign_key
where
    from_the_scorer.campaign_key is null
    or from_the_mart.campaign_key is null
    or from_the_scorer.raw_clicks <> from_the_mart.raw_clicks
    or from_the_scorer.bot_clicks <> from_the_mart.bot_clicks
    or from_the_scorer.human_clicks <> from_the_mart.human_clicks
