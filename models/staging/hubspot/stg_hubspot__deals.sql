-- One row per HubSpot deal: its latest version (latest `updatedAt`; between copies
-- of one version, the last delivered). contact_id is the first associated contact
-- HubSpot lists; a deal can have several (associated_contacts counts them).
with deals as (
    select * from {{ ref('base_hubspot__deals') }}
    where _quarantine_reason is null
),

deals_ranked as (
    select
        *,
        {{ row_number_over('deal_id', ['updated_at desc'], landed='last') }} as version_rank
    from deals
),

final as (
    select
        deal_id,
        deal_name,
        contact_id,
        associated_contacts,
        amount,
        currency,
        is_company_currency,
        dealstage,
        pipeline,
        is_closed_won,
        is_archived,
        created_at,
        closed_at,
        updated_at,
        _file_path,
        _line_number,
        _loaded_at
    from deals_ranked
    where version_rank = 1
)

select * from final
