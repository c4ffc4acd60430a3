{#
    The lineage columns every base model carries from its raw row to staging and
    quarantine: which file and line a row came from, when it was delivered and
    loaded, and the loader's parse error.
#}
{% macro raw_metadata_columns() -%}
        _record,
        _parse_error,
        _file_path,
        _file_hash,
        _line_number,
        _delivery_date,
        _loaded_at
{%- endmacro %}
