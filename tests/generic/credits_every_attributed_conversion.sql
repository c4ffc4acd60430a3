{#
    A touch-based attribution mart credits exactly the conversions that
    core.fct_conversions calls attributed (`conversions`, is_attributed): none
    missing, none extra. Returns each conversion on one side only.
#}
{% test credits_every_attributed_conversion(model, conversions) %}
with credited as (
    select distinct conversion_id from {{ model }}
),

attributed as (
    select conversion_id from {{ conversions }}
    where is_attributed
)

select
    coalesce(credited.conversion_id, attributed.conversion_id) as conversion_id,
    case when credited.conversion_id is null then 'not credited' else 'not attributed in core' end as problem
from credited
full outer join attributed
    on credited.conversion_id = attributed.conversion_id
where credited.conversion_id is null or attributed.conversion_id is null
{% endtest %}
