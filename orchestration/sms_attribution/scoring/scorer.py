"""Score every staged click and write `scoring.click_bot_scores`.

One pass in DuckDB over the staged tables: the user agents and IP addresses are
classified once per distinct value (user_agents.py, networks.py), then one query
derives every click's evidence with joins and window functions and turns it
into the reasons that fired and the score (reasons.py). Python never loops over
clicks, so a million clicks take seconds.

Reads (schema `staging` unless told otherwise):
    stg_shortlinks__clicks          the requests (method, status, IP, user agent, Sec-Purpose)
    stg_shortlinks__links           the link's subscriber (personalised links)
    stg_sms_platform__sends         the message that carried the link (short_code -> message_sid)
    stg_twilio__message_statuses    when that message was delivered
    stg_ga4__events                 whether the click landed (sms_click_id)

    seeds.known_preview_fetchers    the link-preview fetchers' user agents (dbt seed)
    seeds.datacenter_ip_ranges      published datacenter and security-gateway ranges (dbt seed)

Writes `scoring.click_bot_scores`, replaced whole on every run, one row per staged
click: click_id, bot_score, is_bot, reasons (';'-joined codes in registry
order, '' when none), the evidence a report needs (ua_family, ip_network,
seconds_after_delivery, has_landed), scored_at, scoring_version.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from . import networks, user_agents
from .reasons import PARAMETERS, REASONS, SCORING_VERSION, Parameters

SCORES_SCHEMA = "scoring"
SCORES_TABLE = "click_bot_scores"

SEEDS_SCHEMA = "seeds"  # dbt_project.yml: seeds: +schema: seeds
SEED_TABLES = (user_agents.PREVIEW_FETCHERS_TABLE, networks.IP_RANGES_TABLE)

STAGED_MODELS = (
    "stg_shortlinks__clicks",
    "stg_shortlinks__links",
    "stg_sms_platform__sends",
    "stg_twilio__message_statuses",
    "stg_ga4__events",
)


@dataclass
class ScoringResult:
    clicks: int
    bots: int
    threshold: float
    seconds: float
    reason_counts: dict[str, int] = field(default_factory=dict)

    @property
    def bot_share(self) -> float:
        return self.bots / self.clicks if self.clicks else 0.0

    @property
    def clicks_per_second(self) -> float:
        return self.clicks / self.seconds if self.seconds > 0 else float("inf")

    def as_metadata(self) -> dict[str, float | int | str]:
        return {
            "clicks_scored": self.clicks,
            "bot_clicks": self.bots,
            "bot_share": round(self.bot_share, 4),
            "threshold": self.threshold,
            "seconds": round(self.seconds, 3),
            "clicks_per_second": round(self.clicks_per_second),
            "scoring_version": SCORING_VERSION,
            "reasons": "; ".join(f"{code}: {n}" for code, n in self.reason_counts.items() if n) or "none",
        }


def _features_sql(staging: str, p: Parameters) -> str:
    """One row per staged click with one boolean column per reason code."""
    return f"""
        with clicks as (
            select
                click_id,
                short_code,
                requested_at,
                upper(http_method) as http_method,
                http_status,
                nullif(trim(ip_address), '') as ip_address,
                user_agent,
                lower(coalesce(sec_purpose, '')) as sec_purpose
            from {staging}.stg_shortlinks__clicks
        ),

        links as (
            select short_code, subscriber_id from {staging}.stg_shortlinks__links
        ),

        -- a personalised link is in exactly one send; a shared link's clicks have no delivery
        sends_by_short_code as (
            select
                short_code,
                any_value(message_sid) as message_sid,
                any_value(subscriber_id) as subscriber_id
            from {staging}.stg_sms_platform__sends
            group by 1
            having count(*) = 1
        ),

        deliveries as (
            select message_sid, delivered_at from {staging}.stg_twilio__message_statuses
        ),

        landings as (
            select distinct sms_click_id
            from {staging}.stg_ga4__events
            where sms_click_id is not null
        ),

        ga4_horizon as (
            select max(event_at) as ga4_covered_until from {staging}.stg_ga4__events
        ),

        clicks_joined as (
            select
                clicks.*,
                links.short_code is not null as is_known_link,
                coalesce(links.subscriber_id, sends_by_short_code.subscriber_id) as subscriber_id,
                epoch(clicks.requested_at) - epoch(deliveries.delivered_at) as seconds_after_delivery,
                landings.sms_click_id is not null as has_landed,
                ga4_horizon.ga4_covered_until,
                ua.is_missing as ua_is_missing,
                ua.fetcher_family,
                ua.is_bot_pattern,
                ua.is_unknown_client,
                coalesce(ua.ua_family, '(none)') as ua_family,
                ip.network_kind,
                coalesce(ip.ip_network, '(none)') as ip_network,
                clicks.http_method = 'GET'
                    and clicks.sec_purpose = ''
                    and ua.fetcher_family is null as is_tap_like,
                clicks.sec_purpose = '' and ua.fetcher_family is null as is_burst_countable
            from clicks
            left join links
                on clicks.short_code = links.short_code
            left join sends_by_short_code
                on clicks.short_code = sends_by_short_code.short_code
            left join deliveries
                on sends_by_short_code.message_sid = deliveries.message_sid
            left join landings
                on clicks.click_id = landings.sms_click_id
            cross join ga4_horizon
            left join _ua_classes as ua
                on clicks.user_agent is not distinct from ua.user_agent
            left join _ip_networks as ip
                on clicks.ip_address = ip.ip_address
        ),

        clicks_windowed as (
            select
                *,
                -- phones' own previews and prefetches at delivery are not a scanner's burst
                count(distinct case when is_burst_countable then subscriber_id end) over (
                    partition by ip_address order by requested_at
                    range between interval {p.burst_window_seconds} seconds preceding
                        and interval {p.burst_window_seconds} seconds following
                ) as ip_subscribers_nearby,
                count(distinct subscriber_id) over (
                    partition by ip_address, cast(requested_at as date)
                ) as ip_subscribers_that_day,
                count(distinct subscriber_id) over (
                    partition by user_agent, cast(requested_at as date)
                ) as ua_subscribers_that_day,
                -- taps only: a phone's own preview and prefetch requests are not repeats
                sum(case when is_tap_like then 1 else 0 end) over (
                    partition by ip_address, short_code order by requested_at
                    range between interval {p.repeat_window_minutes} minutes preceding
                        and interval {p.repeat_window_minutes} minutes following
                ) as same_link_taps_nearby
            from clicks_joined
        )

        select
            click_id,
            ua_family,
            ip_network,
            seconds_after_delivery,
            has_landed,
            fetcher_family is not null as ua_preview_fetcher,
            coalesce(is_bot_pattern, false) as ua_bot_pattern,
            coalesce(ua_is_missing, true) as ua_missing,
            sec_purpose like '%prefetch%' or sec_purpose like '%prerender%' as prefetch_request,
            http_method = 'HEAD' as head_request,
            coalesce(
                seconds_after_delivery < {p.instant_click_seconds}
                and seconds_after_delivery >= -{p.receipt_lag_seconds},
                false
            ) as instant_click,
            ip_address is not null
                and ip_subscribers_nearby >= {p.burst_min_subscribers} as ip_burst,
            coalesce(network_kind = 'security_gateway', false) as security_gateway_ip,
            coalesce(network_kind in ('cloud', 'platform'), false) as datacenter_ip,
            ip_address is not null
                and ip_subscribers_that_day >= {p.high_volume_min_subscribers} as ip_high_volume,
            coalesce(is_unknown_client, false)
                and ua_subscribers_that_day >= {p.high_volume_min_subscribers} as ua_high_volume,
            ip_address is not null
                and is_tap_like
                and same_link_taps_nearby >= {p.repeat_min_requests} as repeat_clicks,
            is_known_link
                and not has_landed
                and coalesce(http_status, 0) <> 404
                and coalesce(
                    ga4_covered_until >= requested_at + interval {p.landing_horizon_minutes} minutes,
                    false
                ) as never_landed,
            coalesce(http_status = 410, false) as expired_link,
            coalesce(http_status = 404, false) or not is_known_link as unknown_link
        from clicks_windowed
    """


def _scores_sql(features_sql: str, threshold: float, scored_at: datetime) -> str:
    remaining = " * ".join(
        f"(case when {r.code} then cast({1.0 - r.weight!r} as double) else cast(1 as double) end)" for r in REASONS
    )
    reasons = ", ".join(f"case when {r.code} then '{r.code}' end" for r in REASONS)
    return f"""
        with features as ({features_sql}),

        scored as (
            select
                click_id,
                round(cast(1 as double) - {remaining}, 6) as bot_score,
                concat_ws(';', {reasons}) as reasons,
                ua_family,
                ip_network,
                seconds_after_delivery,
                has_landed
            from features
        )

        select
            click_id,
            cast(bot_score as double) as bot_score,
            bot_score >= {threshold!r} as is_bot,
            reasons,
            ua_family,
            ip_network,
            cast(seconds_after_delivery as double) as seconds_after_delivery,
            has_landed,
            timestamp '{scored_at:%Y-%m-%d %H:%M:%S.%f}' as scored_at,
            '{SCORING_VERSION}' as scoring_version
        from scored
    """


def score_clicks(
    conn: duckdb.DuckDBPyConnection,
    threshold: float,
    *,
    staging_schema: str = "staging",
    parameters: Parameters = PARAMETERS,
    seeds_schema: str = SEEDS_SCHEMA,
    scored_at: datetime | None = None,
) -> ScoringResult:
    """Score every click of `<staging_schema>.stg_shortlinks__clicks` and replace
    scoring.click_bot_scores, with the preview fetchers and IP ranges of the dbt seeds
    built in `<seeds_schema>` (SEED_TABLES). Returns counts and timing (the whole step)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    started = time.perf_counter()
    conn.execute("set enable_progress_bar = false")
    scored_at = (scored_at or datetime.now(UTC)).replace(tzinfo=None)
    clicks_sql = f"select user_agent, ip_address from {staging_schema}.stg_shortlinks__clicks"
    fetchers = user_agents.preview_fetchers_from_warehouse(conn, seeds_schema)
    ip_ranges = networks.ip_ranges_from_warehouse(conn, seeds_schema)
    user_agents.classify_user_agents(conn, clicks_sql, fetchers)
    networks.register_ip_ranges(conn, ip_ranges)
    networks.classify_ip_addresses(conn, clicks_sql)
    scores_sql = _scores_sql(_features_sql(staging_schema, parameters), threshold, scored_at)
    conn.execute(f"create schema if not exists {SCORES_SCHEMA}")
    conn.execute(f"create or replace table {SCORES_SCHEMA}.{SCORES_TABLE} as {scores_sql}")
    seconds = time.perf_counter() - started
    clicks, bots = conn.execute(
        f"select count(*), count(*) filter (where is_bot) from {SCORES_SCHEMA}.{SCORES_TABLE}"
    ).fetchone()
    counts = dict(conn.execute(f"""
        select code, count(*)
        from (select unnest(string_split(reasons, ';')) as code
              from {SCORES_SCHEMA}.{SCORES_TABLE} where reasons <> '')
        group by 1
    """).fetchall())
    for table in ("_user_agents", "_ua_candidates", "_ua_classes", "_ipv4_ranges", "_ipv6_ranges", "_ip_networks"):
        conn.execute(f"drop table if exists {table}")
    return ScoringResult(
        clicks=int(clicks), bots=int(bots), threshold=threshold, seconds=seconds,
        reason_counts={r.code: int(counts.get(r.code, 0)) for r in REASONS},
    )
