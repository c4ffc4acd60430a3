-- One row per landed GA4 BigQuery export row (a web event), parsed and checked.
-- GA4 quirks: `event_params` is a key/value array whose value sits in the slot of
-- its type (string_value, int_value, ...); `event_timestamp` is in microseconds
-- (UTC); `event_date` is the day in the GA4 property's reporting time zone, not
-- UTC, so it is kept as GA4 wrote it rather than derived from the timestamp. An
-- event without user_pseudo_id (consent mode's cookieless pings) is accepted: it is
-- a real event, only not joinable to a browser.
{%- set record_paths = [
    '$.event_date',
    '$.event_timestamp',
    '$.event_name',
    '$.user_pseudo_id',
    '$.user_id',
    '$.device.category',
    '$.device.operating_system',
    '$.device.web_info.browser',
    '$.geo.country',
    '$.geo.region',
    '$.geo.city',
    '$.collected_traffic_source.manual_source',
    '$.collected_traffic_source.manual_medium',
    '$.collected_traffic_source.manual_campaign_name',
    '$.collected_traffic_source.manual_content',
    '$.collected_traffic_source.gclid',
    '$.ecommerce.transaction_id',
    '$.ecommerce.purchase_revenue',
    '$.ecommerce.currency',
] %}
{%- set event_date_iso = "concat(substring(event_date_text, 1, 4), '-', "
    ~ "substring(event_date_text, 5, 2), '-', substring(event_date_text, 7, 2))" %}

with source as (
    select * from {{ source('ga4', 'ga4') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

-- the record's scalar fields and its event_params, each read in one pass rather
-- than one parse of the record per field
records_read as (
    select
        *,
        {{ json_texts('record_json', record_paths) }} as texts,
        {{ json_key_value_list('record_json', '$.event_params', ['string_value', 'int_value']) }} as event_params
    from records
),

parsed as (
    select
        {{ json_text_at('texts', record_paths, '$.event_date') }} as event_date_text,
        {{ json_text_at('texts', record_paths, '$.event_timestamp') }} as event_timestamp_text,
        {{ timestamp_from_epoch(json_text_at('texts', record_paths, '$.event_timestamp'), 'micros') }} as event_at,
        {{ json_text_at('texts', record_paths, '$.event_name') }} as event_name,
        {{ json_text_at('texts', record_paths, '$.user_pseudo_id') }} as user_pseudo_id,
        {{ json_text_at('texts', record_paths, '$.user_id') }} as user_id,
        {{ key_value_lookup('event_params', 'page_location', 'string_value') }} as page_location,
        {{ key_value_lookup('event_params', 'page_referrer', 'string_value') }} as page_referrer,
        {{ key_value_lookup('event_params', 'ga_session_id', 'int_value') }} as ga_session_id_text,
        {{ key_value_lookup('event_params', 'ga_session_number', 'int_value') }} as ga_session_number_text,
        {{ key_value_lookup('event_params', 'engagement_time_msec', 'int_value') }} as engagement_time_msec_text,
        -- documented as a string '1', but some exports carry it as int_value 1
        coalesce(
            {{ key_value_lookup('event_params', 'session_engaged', 'string_value') }},
            {{ key_value_lookup('event_params', 'session_engaged', 'int_value') }}
        ) as session_engaged_text,
        lower({{ json_text_at('texts', record_paths, '$.device.category') }}) as device_category,
        {{ json_text_at('texts', record_paths, '$.device.operating_system') }} as device_operating_system,
        {{ json_text_at('texts', record_paths, '$.device.web_info.browser') }} as device_browser,
        {{ json_text_at('texts', record_paths, '$.geo.country') }} as geo_country,
        {{ json_text_at('texts', record_paths, '$.geo.region') }} as geo_region,
        {{ json_text_at('texts', record_paths, '$.geo.city') }} as geo_city,
        {{ normalize_utm(json_text_at('texts', record_paths, '$.collected_traffic_source.manual_source')) }} as manual_source,
        {{ normalize_utm(json_text_at('texts', record_paths, '$.collected_traffic_source.manual_medium')) }} as manual_medium,
        {{ normalize_utm(json_text_at('texts', record_paths, '$.collected_traffic_source.manual_campaign_name')) }} as manual_campaign,
        {{ normalize_utm(json_text_at('texts', record_paths, '$.collected_traffic_source.manual_content')) }} as manual_content,
        {{ json_text_at('texts', record_paths, '$.collected_traffic_source.gclid') }} as collected_gclid,
        -- GA4 writes '(not set)' where a purchase was sent without a transaction id
        nullif({{ json_text_at('texts', record_paths, '$.ecommerce.transaction_id') }}, '(not set)') as transaction_id,
        {{ json_text_at('texts', record_paths, '$.ecommerce.purchase_revenue') }} as purchase_revenue_text,
        {{ try_cast(json_text_at('texts', record_paths, '$.ecommerce.purchase_revenue'), 'decimal(18, 4)') }} as purchase_revenue,
        upper(coalesce(
            {{ json_text_at('texts', record_paths, '$.ecommerce.currency') }},
            {{ key_value_lookup('event_params', 'currency', 'string_value') }}
        )) as currency,
        {{ raw_metadata_columns() }}
    from records_read
),

page_location_parsed as (
    select
        *,
        -- 'YYYYMMDD' as 'YYYY-MM-DD', which both engines cast to a date
        case
            when length(event_date_text) = 8
                then {{ try_cast(event_date_iso, 'date') }}
        end as event_date,
        {{ try_cast('ga_session_id_text', 'bigint') }} as ga_session_id,
        {{ try_cast('ga_session_number_text', 'bigint') }} as ga_session_number,
        {{ try_cast('engagement_time_msec_text', 'bigint') }} as engagement_time_msec,
        {{ url_query_param('page_location', 'sms_click_id') }} as sms_click_id,
        {{ normalize_utm(url_query_param('page_location', 'utm_source')) }} as utm_source,
        {{ normalize_utm(url_query_param('page_location', 'utm_medium')) }} as utm_medium,
        {{ normalize_utm(url_query_param('page_location', 'utm_campaign')) }} as utm_campaign,
        {{ normalize_utm(url_query_param('page_location', 'utm_content')) }} as utm_content,
        coalesce(collected_gclid, {{ url_query_param('page_location', 'gclid') }}) as gclid,
        {{ url_query_param('page_location', 'fbclid') }} as fbclid
    from parsed
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when event_name is null then 'missing_event_name'
            when event_timestamp_text is null then 'missing_event_timestamp'
            -- seconds or milliseconds read as microseconds land in 1970
            when event_at is null or event_at < cast('2000-01-01' as timestamp) then 'invalid_event_timestamp'
            when event_date_text is null then 'missing_event_date'
            when event_date is null then 'invalid_event_date'
            when ga_session_id_text is not null and ga_session_id is null then 'invalid_ga_session_id'
            when purchase_revenue_text is not null and purchase_revenue is null then 'invalid_purchase_revenue'
        end as _quarantine_reason
    from page_location_parsed
)

select * from checked
