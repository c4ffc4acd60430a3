{#
    Schemas are named exactly as ../shared/CONTRACT.md names them (`staging`,
    `reporting`, ...) on the targets that build the warehouse itself (var
    contract_schema_targets: `duckdb` and `spark`): a folder's `+schema` is used as
    it is, not appended to the target schema as dbt's default does.

    On any other target (`dev`, a CI target, ...) dbt's usual convention holds:
    `<target schema>_<custom schema>` (`dev_alice_core`), so people building against
    one Spark metastore do not overwrite each other's tables or the nightly's.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- elif target.name in var('contract_schema_targets', ['duckdb', 'spark']) -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema | trim }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
