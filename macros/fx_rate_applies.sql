{#
    The join condition of a rate period (intermediate.int_fx_rate_periods, aliased
    `rates`) to an amount in `currency` on `day` (a date expression): the period of
    that currency which holds on that day, from valid_from (inclusive) to
    valid_until (exclusive; null for the latest rate, which holds from then on).
#}
{% macro fx_rate_applies(rates, currency, day) -%}
    {{ rates }}.currency = {{ currency }}
    and {{ day }} >= {{ rates }}.valid_from
    and ({{ rates }}.valid_until is null or {{ day }} < {{ rates }}.valid_until)
{%- endmacro %}
