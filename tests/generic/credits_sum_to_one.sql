{#
    An attribution mart's credits: each in (0, 1], and the credits of one conversion
    sum to 1 (to `tolerance`). Returns the conversions that break either.
#}
{% test credits_sum_to_one(model, column_name='credit', tolerance=1e-9) %}
select
    conversion_id,
    sum({{ column_name }}) as total_credit,
    min({{ column_name }}) as smallest_credit,
    max({{ column_name }}) as largest_credit
from {{ model }}
group by conversion_id
having
    abs(sum({{ column_name }}) - 1) > {{ tolerance }}
    or min({{ column_name }}) <= 0
    or max({{ column_name }}) > 1
    or count({{ column_name }}) < count(*)
{% endtest %}
