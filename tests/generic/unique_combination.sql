{#
    The columns together identify a row: no two rows share all of their values.
    For composite keys, such as a base model's (_file_hash, _line_number).
#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as duplicate_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
