{#
    Hex SHA-256 of a string: the hashed keys that carry personal identifiers
    (phones, emails) out of staging. Null in, null out.
#}
{% macro sha256_hex(column) -%}
    {{ return(adapter.dispatch('sha256_hex', 'sms_attribution')(column)) }}
{%- endmacro %}

{% macro default__sha256_hex(column) -%}
    sha256({{ column }})
{%- endmacro %}

{% macro spark__sha256_hex(column) -%}
    sha2({{ column }}, 256)
{%- endmacro %}
