-- One row per landed server-to-server postback request, its raw query string
-- parsed and checked. Every field arrives as a URL-encoded query parameter. For the
-- brand's own checkout (network=brand) order_id is the Shopify order id; for an
-- affiliate network it is the network's transaction id. A sender that did not get
-- a 200 in time sends the same query again: retries are rows here and collapse in
-- staging.
with source as (
    select * from {{ source('postbacks', 'postbacks') }}
),

records as (
    {{ raw_record_columns() }}
    from source
),

parsed as (
    select
        {{ json_text('record_json', '$.received_at') }} as received_at_text,
        {{ parse_iso8601_timestamp(json_text('record_json', '$.received_at')) }} as received_at,
        upper({{ json_text('record_json', '$.method') }}) as http_method,
        {{ json_text('record_json', '$.path') }} as request_path,
        {{ json_text('record_json', '$.query') }} as query_string,
        {{ json_text('record_json', '$.remote_addr') }} as remote_addr,
        {{ json_text('record_json', '$.user_agent') }} as user_agent,
        {{ raw_metadata_columns() }}
    from records
),

query_parsed as (
    select
        *,
        nullif(trim({{ url_query_param('query_string', 'click_id') }}), '') as click_id,
        lower(nullif(trim({{ url_query_param('query_string', 'network') }}), '')) as network,
        lower(nullif(trim({{ url_query_param('query_string', 'event') }}), '')) as event_name,
        nullif(trim({{ url_query_param('query_string', 'order_id') }}), '') as order_id,
        nullif(trim({{ url_query_param('query_string', 'amount') }}), '') as amount_text,
        {{ try_cast(url_query_param('query_string', 'amount'), 'decimal(18, 4)') }} as amount,
        nullif(trim({{ url_query_param('query_string', 'payout') }}), '') as payout_text,
        {{ try_cast(url_query_param('query_string', 'payout'), 'decimal(18, 4)') }} as payout,
        upper(nullif(trim({{ url_query_param('query_string', 'currency') }}), '')) as currency,
        lower(nullif(trim({{ url_query_param('query_string', 'status') }}), '')) as status
    from parsed
),

checked as (
    select
        *,
        case
            when _parse_error is not null then _parse_error
            when received_at_text is null then 'missing_received_at'
            when received_at is null then 'invalid_received_at'
            when query_string is null then 'missing_query'
            when network is null then 'missing_network'
            when event_name is null then 'missing_event'
            when order_id is null then 'missing_order_id'
            when amount_text is not null and amount is null then 'invalid_amount'
            when payout_text is not null and payout is null then 'invalid_payout'
        end as _quarantine_reason
    from query_parsed
)

select * from checked
