-- One row per campaign x subscriber assignment to the treatment or the control
-- (holdout) group. A re-sent assignment keeps the first: moving a subscriber
-- between groups after the fact would bias the lift measured against it.
with assignments as (
    select * from {{ ref('base_sms_platform__holdout_assignments') }}
    where _quarantine_reason is null
),

assignments_ranked as (
    select
        *,
        {{ row_number_over(['campaign_id', 'subscriber_id'], landed='first') }} as assignment_rank
    from assignments
),

final as (
    select
        concat(campaign_id, '|', subscriber_id) as holdout_assignment_id,
        campaign_id,
        subscriber_id,
        holdout_group,
        holdout_group = 'control' as is_control,
        _file_path,
        _line_number,
        _loaded_at
    from assignments_ranked
    where assignment_rank = 1
)

select * from final
