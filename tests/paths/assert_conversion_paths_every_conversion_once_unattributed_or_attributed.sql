-- Fails on a conversion missing from the paths, or with both an unattributed row
-- and touches: every conversion is either attributed or kept as one null-touch row.
with conversions as (
    select conversion_id from {{ ref('fct_conversions') }}
),

paths as (
    select
        conversion_id,
        sum(case when is_attributed then 0 else 1 end) as unattributed_rows,
        sum(case when is_attributed then 1 else 0 end) as touch_rows
    from {{ ref('int_conversion_paths') }}
    group by 1
)

select
    conversions.conversion_id,
    paths.unattributed_rows,
    paths.touch_rows
from conversions
left join paths
    on conversions.conversion_id = paths.conversion_id
where
    paths.conversion_id is null
    or (paths.unattributed_rows > 0 and paths.touch_rows > 0)
    or paths.unattributed_rows > 1
