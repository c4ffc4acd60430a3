{#
    Fails on every row where `expression` is not true (nulls included), optionally
    only among rows matching `where`.
#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
