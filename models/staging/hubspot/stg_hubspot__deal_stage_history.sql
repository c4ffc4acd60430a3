-- One row per distinct version of a HubSpot deal (deal x updatedAt): the stage and
-- amount it had from that moment. The list API only returns a deal's current
-- state, so the history is what the daily pages happened to capture: a deal that
-- moved twice between two pulls shows only the second move. Lead and opportunity
-- stages are computed from it downstream. A version listed twice (overlapping
-- pages, a re-pull) is one row.
{%- set string_type = api.Column.translate_type('string') %}

with deals as (
    select * from {{ ref('base_hubspot__deals') }}
    where _quarantine_reason is null
),

versions_keyed as (
    select
        {{ sha256_hex("concat_ws('|', deal_id, cast(updated_at as " ~ string_type ~ "))") }} as deal_stage_history_id,
        *
    from deals
),

versions_ranked as (
    select
        *,
        {{ row_number_over('deal_stage_history_id', landed='last') }} as copy_rank
    from versions_keyed
),

final as (
    select
        deal_stage_history_id,
        deal_id,
        dealstage,
        pipeline,
        is_closed_won,
        amount,
        currency,
        is_company_currency,
        updated_at,
        _file_path,
        _line_number,
        _loaded_at
    from versions_ranked
    where copy_rank = 1
)

select * from final
