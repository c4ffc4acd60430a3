"""What each distinct user agent is: a known link-preview fetcher, a bot by the
maintained CrawlerDetect patterns, or a browser (and which one).

Classification runs once per distinct user-agent string, never per click, with
three sources of evidence:

- the dbt seed `seeds.known_preview_fetchers` (seeds/known_preview_fetchers.csv), read
  from the warehouse where dbt built it: SMS and chat apps' preview fetchers, each
  pattern with the public page it comes from (first matching row wins, so the
  specific rows come first). Patterns are case-insensitive regular expressions
  in the subset that RE2 (DuckDB) and Python share.
- `crawlerdetect` (PyPI; the Python port of JayBizzle/Crawler-Detect), chosen by
  measurement (docs/bot_scoring.md). Its pattern lists are evaluated in DuckDB's
  RE2 engine first, which is ~40x faster than Python's `re` over its 1,400-way
  alternation. RE2 has no look-arounds, so they are dropped from the patterns,
  which can only make them match more; every string RE2 flags is then confirmed
  by `crawlerdetect` itself. The verdict is therefore exactly the library's.
- `ua-parser` (with `ua-parser-builtins`, uap-core's rules): the browser family
  of every string, for reports and for recognising unknown clients.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa

from .. import settings
from .reasons import UA_CONVENTIONS

PREVIEW_FETCHERS_TABLE = "known_preview_fetchers"  # the dbt seed, built into schema `seeds`
PREVIEW_FETCHERS_SEED = settings.PROJECT_DIR / "seeds" / f"{PREVIEW_FETCHERS_TABLE}.csv"
MISSING_USER_AGENTS = ("", "-")

_LOOKAROUND = re.compile(r"\(\?<?[!=][^()]*\)")


@dataclass(frozen=True)
class PreviewFetcher:
    pattern: str
    family: str
    kind: str
    source_url: str


def load_preview_fetchers(path: Path = PREVIEW_FETCHERS_SEED) -> list[PreviewFetcher]:
    """The seed's rows from its CSV file (tests and the corpus measurement; the
    scorer reads the built seed table, `preview_fetchers_from_warehouse`)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return _checked_fetchers([PreviewFetcher(**row) for row in csv.DictReader(handle)], path.name)


def preview_fetchers_from_warehouse(
    conn: duckdb.DuckDBPyConnection, seeds_schema: str = "seeds"
) -> list[PreviewFetcher]:
    """The dbt seed `known_preview_fetchers` as built in the warehouse, in file order
    (dbt loads the rows in the file's order; first matching row wins)."""
    rows = conn.execute(f"""
        select pattern, family, kind, source_url
        from {seeds_schema}.{PREVIEW_FETCHERS_TABLE}
        order by rowid
    """).fetchall()
    fetchers = [PreviewFetcher(*(str(v) for v in row)) for row in rows]
    return _checked_fetchers(fetchers, f"{seeds_schema}.{PREVIEW_FETCHERS_TABLE}")


def _checked_fetchers(fetchers: list[PreviewFetcher], where: str) -> list[PreviewFetcher]:
    for fetcher in fetchers:
        re.compile(fetcher.pattern)
        if not fetcher.source_url.startswith("https://"):
            raise ValueError(f"{where}: {fetcher.pattern!r} needs the public page it comes from")
    return fetchers


@lru_cache(maxsize=1)
def _crawlerdetect():
    from crawlerdetect import CrawlerDetect

    return CrawlerDetect()


@lru_cache(maxsize=1)
def crawler_patterns_re2() -> tuple[str, str]:
    """CrawlerDetect's exclusion and crawler alternations, for RE2."""
    from crawlerdetect.providers.crawlers import data as crawlers
    from crawlerdetect.providers.exclusions import data as exclusions

    exclusion = "(?i)(" + "|".join(exclusions) + ")"
    crawler = "(?i)(" + "|".join(_LOOKAROUND.sub("", p) for p in crawlers) + ")"
    return exclusion, crawler


def _sql_literal(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def convention_sql(column: str = "present.user_agent") -> str:
    """The first bot convention (reasons.UA_CONVENTIONS) the user agent follows, else null."""
    whens = []
    for rule in UA_CONVENTIONS:
        condition = f"regexp_matches({column}, {_sql_literal('(?i)(' + rule.pattern + ')')})"
        if rule.unless:
            condition += f" and not regexp_matches({column}, {_sql_literal('(?i)(' + rule.unless + ')')})"
        whens.append(f"when {condition} then '{rule.code}'")
    return "case " + " ".join(whens) + " end"


def is_crawler(user_agent: str) -> bool:
    """crawlerdetect's own verdict (Python), for single strings."""
    return bool(_crawlerdetect().is_crawler(user_agent))


@lru_cache(maxsize=1)
def _ua_parser():
    from ua_parser import parse_user_agent

    return parse_user_agent


def browser_family(user_agent: str) -> str:
    """ua-parser's family ('Mobile Safari', 'Chrome Mobile', 'Samsung Internet',
    'HeadlessChrome', 'Python Requests', ...), 'Other' when it knows none."""
    parsed = _ua_parser()(user_agent)
    return parsed.family if parsed is not None else "Other"


def classify_user_agents(
    conn: duckdb.DuckDBPyConnection,
    source_sql: str,
    fetchers: list[PreviewFetcher],
) -> None:
    """Temp table `_ua_classes(user_agent, is_missing, fetcher_family, is_bot_pattern,
    ua_family)`: one row per distinct user agent of `source_sql` (a query with a
    user_agent column), nulls included."""
    conn.execute(f"""
        create or replace temp table _user_agents as
        select distinct user_agent from ({source_sql})
    """)
    seed = pa.table({
        "seed_order": pa.array(range(len(fetchers)), pa.int32()),
        "pattern": pa.array(["(?i)" + f.pattern for f in fetchers], pa.string()),
        "family": pa.array([f.family for f in fetchers], pa.string()),
    })
    conn.register("_preview_fetchers", seed)
    exclusion, crawler = crawler_patterns_re2()
    conn.execute(
        f"""
        create or replace temp table _ua_candidates as
        with present as (
            select user_agent
            from _user_agents
            where user_agent is not null and trim(user_agent) not in ('', '-')
        ),

        fetcher_matches as (
            select
                present.user_agent,
                arg_min(fetchers.family, fetchers.seed_order) as fetcher_family
            from present
            inner join _preview_fetchers as fetchers
                on regexp_matches(present.user_agent, fetchers.pattern)
            group by 1
        )

        select
            present.user_agent,
            fetcher_matches.fetcher_family,
            -- CrawlerDetect strips browser tokens first; an empty rest is no crawler
            trim(regexp_replace(present.user_agent, $exclusion, '', 'g')) <> ''
                and regexp_matches(regexp_replace(present.user_agent, $exclusion, '', 'g'), $crawler)
                as may_be_crawler,
            {convention_sql()} as convention
        from present
        left join fetcher_matches
            on present.user_agent = fetcher_matches.user_agent
        """,
        {"exclusion": exclusion, "crawler": crawler},
    )
    conn.unregister("_preview_fetchers")
    rows = conn.execute("select user_agent, may_be_crawler from _ua_candidates").fetchall()
    confirmed = [ua for ua, may_be in rows if may_be and is_crawler(ua)]
    families = [browser_family(ua) for ua, _ in rows]
    conn.register("_ua_python", pa.table({
        "user_agent": pa.array([ua for ua, _ in rows], pa.string()),
        "ua_family": pa.array(families, pa.string()),
    }))
    conn.register("_ua_crawlers", pa.table({"user_agent": pa.array(confirmed, pa.string())}))
    conn.execute("""
        create or replace temp table _ua_classes as
        select
            user_agents.user_agent,
            user_agents.user_agent is null or trim(user_agents.user_agent) in ('', '-') as is_missing,
            candidates.fetcher_family,
            crawlers.user_agent is not null or candidates.convention is not null as is_bot_pattern,
            case
                when crawlers.user_agent is not null then 'crawlerdetect'
                else candidates.convention
            end as ua_rule,
            coalesce(candidates.fetcher_family, python.ua_family) as ua_family,
            python.ua_family = 'Other' as is_unknown_client
        from _user_agents as user_agents
        left join _ua_candidates as candidates
            on user_agents.user_agent = candidates.user_agent
        left join _ua_python as python
            on user_agents.user_agent = python.user_agent
        left join _ua_crawlers as crawlers
            on user_agents.user_agent = crawlers.user_agent
    """)
    conn.unregister("_ua_python")
    conn.unregister("_ua_crawlers")
