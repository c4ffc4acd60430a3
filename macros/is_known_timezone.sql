{#
    Whether `column` names a time zone the engine knows ('America/New_York', 'UTC'
    true; 'Mars/Olympus' false); guard nulls before calling it (DuckDB gives null,
    Spark false). A zone the engine does not know makes utc_to_local_timestamp raise
    (DuckDB "Unknown TimeZone", Spark "Unknown time-zone ID") and fails the whole
    model, so staging checks the name before a mart converts with it.
    DuckDB lists its ICU zones in pg_timezone_names(). Spark has no zone-list
    function, so it asks the JVM (java.time.ZoneId) for its region ids; as an IN
    subquery Spark runs that once per query, not once per row (reflect is
    non-deterministic, so an inline call is evaluated per row: ~100 s per million).
    The two lists differ at the edges: legacy abbreviations ('EST') are in DuckDB's
    only, so callers should also require the Area/Location shape.
#}
{% macro is_known_timezone(column) -%}
    {{ return(adapter.dispatch('is_known_timezone', 'sms_attribution')(column)) }}
{%- endmacro %}

{% macro default__is_known_timezone(column) -%}
    ({{ column }} in (select pg_timezone_names.name from pg_timezone_names()))
{%- endmacro %}

{% macro spark__is_known_timezone(column) -%}
    ({{ column }} in (
        select explode(split(translate(reflect('java.time.ZoneId', 'getAvailableZoneIds'), '[]', ''), ', ')) as zone_id
    ))
{%- endmacro %}
