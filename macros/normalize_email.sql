{# An email address lower-cased and trimmed; null when it is not shaped like one. #}
{% macro normalize_email(column) -%}
    case
        when trim({{ column }}) like '%_@_%._%' and trim({{ column }}) not like '% %'
            then lower(trim({{ column }}))
    end
{%- endmacro %}
