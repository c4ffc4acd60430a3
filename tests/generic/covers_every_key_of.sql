{#
    The reverse of `relationships`: every key of another model (`of`, column `field`)
    is a key of this one. Attached to the model that must cover (so an orchestrator
    runs it with that model), for one-to-one models such as the bot scores of the
    staged clicks. Returns the keys of `of` that this model lacks.
#}
{% test covers_every_key_of(model, column_name, of, field) %}
select {{ field }} as missing_key
from {{ of }}
where {{ field }} is not null
    and {{ field }} not in (
        select {{ column_name }} from {{ model }}
        where {{ column_name }} is not null
    )
{% endtest %}
