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

{% macro spark__url_query_param(url, name) -%}
    url_decode(nullif(regexp_extract({{ url }}, '(^|[?&]){{ name }}=([^&#]*)', 2), ''))
{%- endmacro %}
