{#
    Fails on every row where `expression` is not true (null counts as not true).
    Usable on a model or on a column (the column is then in scope by name only);
    dbt's `where` config narrows the rows checked.
#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
