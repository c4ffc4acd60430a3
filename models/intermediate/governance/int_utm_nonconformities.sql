-- One row per tagged object (a short link or a GA4 session) x UTM parameter x rule
-- it breaks (nonconformity_id), so a marketer can fix the tag where it is typed.
-- Rules: missing_<parameter> (a tagged object without utm_source, utm_medium or
-- utm_campaign), unknown_<parameter> (a utm_source or utm_medium that the
-- utm_taxonomy seed does not list, compared in its normalised spelling),
-- upper_case_<parameter> and white_space_<parameter> (the value as typed, URL-
-- decoded, is not lower case or holds spaces: reports split 'SMS' from 'sms').
-- A session is checked only when its landing page carries at least one utm tag;
-- untagged visits (direct, organic) have nothing to fix.
with links as (
    select * from {{ ref('stg_shortlinks__links') }}
),

sessions as (
    select * from {{ ref('int_web_sessions') }}
),

utm_taxonomy as (
    select * from {{ ref('utm_taxonomy') }}
),

links_tagged as (
    select
        short_code,
        campaign_id,
        created_at,
        utm_source,
        utm_medium,
        utm_campaign,
        {{ url_query_param('destination_url', 'utm_source') }} as utm_source_raw,
        {{ url_query_param('destination_url', 'utm_medium') }} as utm_medium_raw,
        {{ url_query_param('destination_url', 'utm_campaign') }} as utm_campaign_raw
    from links
),

sessions_tagged as (
    select * from sessions
    where utm_source is not null or utm_medium is not null or utm_campaign is not null
),

utm_values as (
    {%- for parameter in ['utm_source', 'utm_medium', 'utm_campaign'] %}
        select
            'link' as object_type,
            short_code as object_id,
            campaign_id,
            created_at as seen_at,
            '{{ parameter }}' as utm_parameter,
            {{ parameter }}_raw as value_raw,
            {{ parameter }} as value_normalised
        from links_tagged
        union all
        select
            'session' as object_type,
            session_id as object_id,
            cast(null as {{ api.Column.translate_type('string') }}) as campaign_id,
            started_at as seen_at,
            '{{ parameter }}' as utm_parameter,
            {{ parameter }}_raw as value_raw,
            {{ parameter }} as value_normalised
        from sessions_tagged
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

values_checked as (
    select
        utm_values.*,
        utm_taxonomy.allowed_value is not null as is_known_value
    from utm_values
    left join utm_taxonomy
        on
            utm_values.utm_parameter = utm_taxonomy.utm_parameter
            and utm_values.value_normalised = utm_taxonomy.allowed_value
),

rules_broken as (
    select
        *,
        'missing' as rule_kind
    from values_checked
    where value_normalised is null
    union all
    select
        *,
        'unknown' as rule_kind
    from values_checked
    where
        utm_parameter in ('utm_source', 'utm_medium')
        and value_normalised is not null
        and not is_known_value
    union all
    select
        *,
        'upper_case' as rule_kind
    from values_checked
    where value_raw <> lower(value_raw)
    union all
    select
        *,
        'white_space' as rule_kind
    from values_checked
    where value_raw like '% %' or value_raw <> trim(value_raw)
),

final as (
    select
        concat_ws('|', object_type, object_id, concat(rule_kind, '_', utm_parameter)) as nonconformity_id,
        object_type,
        object_id,
        campaign_id,
        seen_at,
        utm_parameter,
        concat(rule_kind, '_', utm_parameter) as rule_broken,
        value_raw,
        value_normalised as value_suggested
    from rules_broken
)

select * from final
