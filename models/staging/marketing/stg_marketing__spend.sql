-- One row per day x channel x platform x campaign cost line. Cost files are
-- restated as invoices settle: the latest delivery of a line wins.
with spend as (
    select * from {{ ref('base_marketing__spend') }}
    where _quarantine_reason is null
),

spend_keyed as (
    select
        concat_ws(
            '|', cast(spend_date as {{ api.Column.translate_type('string') }}),
            channel, coalesce(platform, ''), coalesce(campaign, '')
        ) as spend_line_id,
        *
    from spend
),

spend_ranked as (
    select
        *,
        {{ row_number_over('spend_line_id', landed='last') }} as version_rank
    from spend_keyed
),

final as (
    select
        spend_line_id,
        spend_date,
        channel,
        platform,
        campaign,
        cost_amount,
        currency,
        _file_path,
        _line_number,
        _loaded_at
    from spend_ranked
    where version_rank = 1
)

select * from final
