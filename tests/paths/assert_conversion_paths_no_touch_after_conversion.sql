-- Fails on every path row whose touch happened after its conversion.
select *
from {{ ref('int_conversion_paths') }}
where touched_at > converted_at
