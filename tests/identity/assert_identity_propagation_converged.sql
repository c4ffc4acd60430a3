-- Fails when the unrolled label propagation of int_identifiers_resolved stopped
-- before it converged: an edge whose two ends were given different persons (or
-- an edge end that has no person). Raise var('identity_max_iterations').
select
    edges.edge_id,
    edges.left_identifier,
    edges.right_identifier,
    left_resolved.person_id as left_person_id,
    right_resolved.person_id as right_person_id
from {{ ref('int_identity_edges') }} as edges
left join {{ ref('int_identifiers_resolved') }} as left_resolved
    on edges.left_identifier = left_resolved.identifier
left join {{ ref('int_identifiers_resolved') }} as right_resolved
    on edges.right_identifier = right_resolved.identifier
where
    left_resolved.person_id is null
    or right_resolved.person_id is null
    or left_resolved.person_id <> right_resolved.person_id
