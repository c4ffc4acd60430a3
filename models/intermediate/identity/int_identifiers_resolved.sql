-- One row per identifier (`<type>:<value>`) with its resolved person: the
-- connected component of int_identity_edges it belongs to. Identifiers that no
-- edge touches (a subscriber without contact points, a device never logged in)
-- are their own person.
-- Components by min-label propagation: every identifier starts with itself as its
-- label, and each round takes the smallest label among itself and its
-- neighbours; a component converges in as many rounds as its diameter.
-- Spark 3.5 has no recursive CTE, so the rounds are unrolled here,
-- var('identity_max_iterations') of them; the data test
-- assert_identity_propagation_converged fails when that was not enough.
-- person_id is `per_` + the first 24 hex digits of the SHA-256 of the component's
-- smallest identifier: the same inputs always give the same ids.
{%- set iterations = var('identity_max_iterations') | int %}

with edges as (
    select * from {{ ref('int_identity_edges') }}
),

subscribers as (
    select * from {{ ref('stg_sms_platform__subscribers') }}
),

ga4_events as (
    select * from {{ ref('stg_ga4__events') }}
),

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

edges_both_ways as (
    select
        left_identifier as identifier,
        right_identifier as neighbour
    from edges
    union
    select
        right_identifier as identifier,
        left_identifier as neighbour
    from edges
),

identifiers_listed as (
    select identifier from edges_both_ways
    union
    select concat('subscriber_id:', subscriber_id) from subscribers
    union
    select concat('ga4_user_pseudo_id:', user_pseudo_id) from ga4_events
    where user_pseudo_id is not null
    union
    select concat('hubspot_contact_id:', contact_id) from contacts
    union
    select concat('shopify_customer_id:', customer_id) from orders
    where customer_id is not null
),

neighbourhood as (
    -- every identifier is its own neighbour, so a round keeps its own label
    select
        identifier,
        neighbour
    from edges_both_ways
    union all
    select
        identifier,
        identifier as neighbour
    from identifiers_listed
),

labels_0 as (
    select
        identifier,
        identifier as component_label
    from identifiers_listed
),

{% for i in range(1, iterations + 1) %}
    labels_{{ i }} as (
        -- one reference to the previous round only: Spark inlines CTEs, so a second
        -- reference per round would make the plan grow exponentially with the rounds
        select
            neighbourhood.identifier,
            min(previous_labels.component_label) as component_label
        from neighbourhood
        inner join labels_{{ i - 1 }} as previous_labels
            on neighbourhood.neighbour = previous_labels.identifier
        group by 1
    ),
{% endfor %}

final as (
    select
        identifier,
        substr(identifier, 1, instr(identifier, ':') - 1) as identifier_type,
        substr(identifier, instr(identifier, ':') + 1) as identifier_value,
        concat('per_', substr({{ sha256_hex('component_label') }}, 1, 24)) as person_id,
        component_label as component_root
    from labels_{{ iterations }}
)

select * from final
