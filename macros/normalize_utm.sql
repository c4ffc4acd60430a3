{#
    A UTM value as the taxonomy spells it: lower case, trimmed, each run of white
    space turned into one hyphen ('Black Friday  2026 ' -> 'black-friday-2026').
    Decode URL-encoded values before (url_query_param does).
#}
{% macro normalize_utm(column) -%}
    nullif({{ regexp_replace_all('lower(trim(' ~ column ~ '))', '\s+', '-') }}, '')
{%- endmacro %}
