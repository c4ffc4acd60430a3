{#
    numerator / denominator as a double, null when the denominator is 0 or null:
    every ratio of the reporting marts (a rate with nothing to divide by is
    unknown, never 0 and never an error). Both arguments are SQL expressions.
#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when ({{ denominator }}) <> 0
            then cast({{ numerator }} as {{ api.Column.translate_type('double') }})
                / cast({{ denominator }} as {{ api.Column.translate_type('double') }})
    end
{%- endmacro %}
