{#
    The URL-decoded value of query parameter `name` in a URL or raw query string
    ('a=1&sms_click_id=clk_9'), or null when absent or empty. The first occurrence
    wins. '+' decodes to a space, as in form encoding.
#}
{% macro url_query_param(url, name) -%}
    {{ return(adapter.dispatch('url_query_param', 'sms_attribution')(url, name)) }}
{%- endmacro %}

{% macro default__url_query_param(url, name) -%}
    url_decode(replace(nullif(regexp_extract({{ url }}, '(^|[?&])' || '{{ name }}' || '=([^&#]*)', 2), ''), '+', ' '))
{%- endmacro %}

{#
    Spark's url_decode raises on a malformed escape ('50%off'), failing the whole
    query; DuckDB's passes such text through. Spark therefore decodes only values
    whose every '%' starts a valid escape, and keeps the others as written.
#}
{% macro spark__url_query_param(url, name) -%}
    {%- set value = "nullif(regexp_extract(" ~ url ~ ", '(^|[?&])" ~ name ~ "=([^&#]*)', 2), '')" -%}
    case
        when {{ value }} rlike '^([^%]|%[0-9A-Fa-f]{2})*$' then url_decode({{ value }})
        else replace({{ value }}, '+', ' ')
    end
{%- endmacro %}
