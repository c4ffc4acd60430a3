"""Every reason a click can be scored a bot for: the one place that says what
fires it, what it weighs and why.

The score is a noisy-OR of the reasons that fired:

    bot_score = 1 - prod(1 - weight)        over the click's fired reasons

Each weight reads as "how sure this evidence alone makes us that the click is
not a person"; reasons multiply the chance that none of them is right. A click
with no reason scores 0. A click is a bot when bot_score >= the threshold
(`BOT_SCORE_THRESHOLD`, default 0.5), so a reason weighing 0.5 or more decides
on its own and lighter ones (a datacenter address, a click that never landed, an
expired link) only count together. Nothing is deleted: every staged click keeps
its row, its score and the list of reasons that fired.

docs/bot_scoring.md explains the evidence; a test checks that its table of
reasons matches this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SCORING_VERSION = "1.0.0"
DEFAULT_THRESHOLD = 0.5
THRESHOLD_ENV = "BOT_SCORE_THRESHOLD"


@dataclass(frozen=True)
class Reason:
    code: str
    weight: float
    fires_when: str
    rationale: str


REASONS: tuple[Reason, ...] = (
    Reason(
        "ua_preview_fetcher", 0.99,
        "the user agent matches a row of seeds/known_preview_fetchers.csv (iMessage, WhatsApp, Signal, "
        "Telegram, Slack, Facebook, X, Discord, LinkedIn, Teams, Google Messages, Snapchat, Pinterest)",
        "a chat app fetching the page to draw a link preview, often before anyone reads the message; "
        "each pattern cites the public page that documents it",
    ),
    Reason(
        "ua_bot_pattern", 0.95,
        "crawlerdetect (the maintained CrawlerDetect pattern list) recognises the user agent as a crawler, "
        "headless browser, HTTP library or script",
        "people click in browsers; these strings name automation. Measured: 100% of the self-identifying "
        "bots and 0 of the current browsers in our real user-agent corpus (docs/bot_scoring.md)",
    ),
    Reason(
        "ua_missing", 0.90,
        "no User-Agent header (null, empty or '-')",
        "every browser sends one; raw sockets and minimal scripts do not",
    ),
    Reason(
        "prefetch_request", 0.99,
        "the Sec-Purpose header says prefetch or prerender",
        "the browser (or an app's link preview) fetched the page speculatively; by definition no one tapped",
    ),
    Reason(
        "head_request", 0.95,
        "the request method is HEAD",
        "browsers navigate with GET; HEAD is how scanners and link checkers probe a URL without the body",
    ),
    Reason(
        "instant_click", 0.45,
        "the click reached the redirect server less than 2 s after the delivery receipt (and at most "
        "10 s before it, as receipts lag the handset)",
        "a person has to notice, unlock and open the message before tapping; scanners and preview "
        "fetchers act on arrival. A person with the conversation open can still be that quick, so it "
        "needs a second reason (never landing, a scanner network, HEAD ...)",
    ),
    Reason(
        "ip_burst", 0.90,
        "one IP address requested the links of 3 or more different subscribers within 10 s of this click "
        "(counting neither known preview fetchers nor prefetches: a household's phones preview a blast "
        "together)",
        "different people do not share one address and tap within seconds of each other; a scanner "
        "working through a mail or message batch does",
    ),
    Reason(
        "security_gateway_ip", 0.80,
        "the IP address is in a published range of a mail or URL security gateway (Microsoft Exchange "
        "Online Protection / Safe Links, Proofpoint, Mimecast, Barracuda; seeds/datacenter_ip_ranges.csv)",
        "these networks fetch links to scan them; people do not browse from them. Catches scanners that "
        "send an ordinary browser's user agent",
    ),
    Reason(
        "datacenter_ip", 0.45,
        "the IP address is in a published cloud or platform range (AWS, Google Cloud, Azure, DigitalOcean, "
        "Hetzner, OVH, Vultr, Linode, Meta, Telegram; seeds/datacenter_ip_ranges.csv)",
        "headless browsers and scripts run in clouds; people on phones rarely do, but VPNs and corporate "
        "proxies can, so it needs a second reason",
    ),
    Reason(
        "ip_high_volume", 0.45,
        "one IP address requested the links of 10 or more different subscribers in the same UTC day",
        "an address that opens many recipients' personal links is a scanner or a fraud source, not a "
        "household; but mobile carriers put many customers behind one address (CGNAT), so it needs a "
        "second reason",
    ),
    Reason(
        "ua_high_volume", 0.60,
        "a user agent that ua-parser cannot name (family 'Other') requested the links of 10 or more "
        "different subscribers in the same UTC day",
        "an unknown client at volume is an unlisted fetcher; browsers people use are all known to ua-parser",
    ),
    Reason(
        "repeat_clicks", 0.60,
        "the same IP address tapped the same link 5 or more times within 30 min either side (GET "
        "requests that are neither prefetches nor a known preview fetcher)",
        "people tap a link once or twice; refresh loops and click fraud repeat",
    ),
    Reason(
        "never_landed", 0.30,
        "no GA4 event carries the click's sms_click_id, although the GA4 export already covers the "
        "30 min after the click (known links only)",
        "a tap in a browser loads the page and its tag; but ad blockers, consent refusals and closed "
        "tabs also lose landings, so it only counts with other evidence",
    ),
    Reason(
        "expired_link", 0.25,
        "the redirect server answered 410 Gone (the link had expired)",
        "scanners re-check old links days later; people also come back late, so it only counts with "
        "other evidence",
    ),
    Reason(
        "unknown_link", 0.40,
        "the short code is not in the link registry (404)",
        "SMS links are tapped, not typed: requests for codes that never existed are probes, but a "
        "mangled link can also cause one, so it only counts with other evidence",
    ),
)

REASONS_BY_CODE = {reason.code: reason for reason in REASONS}


@dataclass(frozen=True)
class UaConvention:
    """A convention that self-identifying bots follow in their user agent. Each fires
    `ua_bot_pattern` (so the scores table and the report keep their columns) and is
    named in `_ua_classes.ua_rule`. Patterns are RE2 (DuckDB), case-insensitive;
    `unless` vetoes the rule (the tokens of the real browsers it would otherwise hit)."""

    code: str
    pattern: str
    unless: str
    fires_when: str
    rationale: str


UA_CONVENTIONS: tuple[UaConvention, ...] = (
    UaConvention(
        "ua_tool_name",
        r"selenium|headless|checkly|datadog|synthetic|puppeteer|playwright|lighthouse|pingdom|uptime|"
        r"monitor|qualys|scanner|crawler|spider|scraper|bot/|-bot|fetcher|preview|validator|"
        r"http-?client|sendgrid|event api|webhook|probe|scan|check|audit|diagnos|measurement|agent\b",
        "",
        "the user agent names an automation tool, a monitor or a scanner (Selenium, Headless, Checkly, "
        "Datadog Synthetics, Lighthouse, Qualys, ... bot, crawler, spider, fetcher, preview, webhook)",
        "browsers name their engine and themselves, never a test or monitoring tool; CrawlerDetect's list "
        "misses the tools that append their name to a real browser's string",
    ),
    UaConvention(
        "ua_contact_url",
        r"https?://|www\.[a-z0-9-]+\.[a-z]{2,}|[a-z0-9._-]+@[a-z0-9-]+\.[a-z]{2,}",
        "",
        "the user agent carries a URL or an e-mail address (the `+https://example.com/bot` convention)",
        "crawlers and services leave a page for webmasters to read about them; browsers send no URL",
    ),
    UaConvention(
        "ua_compatible_name",
        r"compatible; ?[a-z][^;/)]*(/[0-9]|\))",
        r"compatible; ?(msie|konqueror)",
        "the user agent says `compatible; Name/version` or `compatible; Name)` for a name other than MSIE "
        "or Konqueror",
        "the form crawlers borrowed from `Mozilla/5.0 (compatible; Googlebot/2.1)`; only old Internet "
        "Explorer and Konqueror browsers used it",
    ),
    UaConvention(
        "ua_no_browser_engine",
        r"^",
        r"mozilla/|applewebkit|gecko|trident|presto|khtml|opera|ucweb|ucbrowser|midp|cldc|blackberry|"
        r"netfront|obigo|openwave|up\.browser|symbian|series ?60|nokia|samsung|sonyericsson|dolfin|maui|"
        r"dalvik|android|iphone|ipad|darwin|cfnetwork|windows|win10|win32|win64|macintosh|linux|ubuntu|"
        r"harmony|amiga",
        "the user agent has no browser engine or platform token at all (no Mozilla/, AppleWebKit, Gecko, "
        "Trident, Presto, KHTML, Opera, nor a feature phone's MIDP / CLDC / NetFront / Obigo, nor "
        "a platform: Android's Dalvik, iPhone, Darwin / CFNetwork, Windows, Linux, HarmonyOS)",
        "every browser, phone browsers included, names its engine or platform; libraries, apps' HTTP "
        "clients and bots name only themselves (`colly/2.1.0`, `Bluesky/`, `SendGrid Event API`)",
    ),
    UaConvention(
        "ua_bare_mozilla",
        r"^mozilla/",
        r"windows|macintosh|mac os|linux|android|iphone|ipad|ipod|x11|cros|bsd|sunos|symbian|blackberry|"
        r"bb10|playbook|kaios|tizen|webos|mobile|tablet|nokia|series|j2me|midp|cldc|applewebkit|gecko|"
        r"trident|presto|amiga|brew|inferno",
        "the user agent starts `Mozilla/` but names no platform (Windows, Mac OS, Linux, Android, iPhone, "
        "X11, ...) and no engine: `Mozilla/5.0 (Exchange check)`, `Mozilla/5.0 xtate/2.12.4`",
        "a browser's `Mozilla/5.0` is always followed by its platform; a bare one is a script borrowing the "
        "prefix",
    ),
)


@dataclass(frozen=True)
class Parameters:
    """The numbers in the reasons above, in one place."""

    instant_click_seconds: float = 2.0
    receipt_lag_seconds: float = 10.0
    burst_window_seconds: int = 10
    burst_min_subscribers: int = 3
    high_volume_min_subscribers: int = 10
    repeat_window_minutes: int = 30
    repeat_min_requests: int = 5
    landing_horizon_minutes: int = 30


PARAMETERS = Parameters()


def threshold_from_env() -> float:
    """The bot threshold: BOT_SCORE_THRESHOLD when set, else 0.5."""
    value = os.environ.get(THRESHOLD_ENV)
    threshold = float(value) if value not in (None, "") else DEFAULT_THRESHOLD
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"{THRESHOLD_ENV} must be in (0, 1], got {threshold}")
    return threshold


def combined_score(codes: list[str] | tuple[str, ...]) -> float:
    """The noisy-OR of the reasons' weights (what the SQL computes per click)."""
    remaining = 1.0
    for code in codes:
        remaining *= 1.0 - REASONS_BY_CODE[code].weight
    return 1.0 - remaining
