{#
    The first step of every base model: the raw row with `record_json`, its record
    as JSON when the loader could read it (null otherwise, so the JSON functions
    never see a line that is not JSON).
#}
{% macro raw_record_columns() -%}
    select
        case when _parse_error is null then _record end as record_json,
        {{ raw_metadata_columns() }}
{%- endmacro %}
