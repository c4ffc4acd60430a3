"""Measure PyPI user-agent bot detectors on real user-agent strings.

    python -m sms_attribution.scoring.ua_libraries

Reads `real_user_agents.csv` beside this file (real strings of link-preview
fetchers, security scanners, headless browsers, HTTP libraries and current mobile
and desktop browsers, each with the page it comes from) and, for every candidate
library that is installed, prints recall on the bots whose user agent names them
(`identifies_itself`), false positives on the browsers, misses by family and the
time per string. Scanners that present an ordinary browser's user agent are
listed apart: no user-agent library can catch them (the other evidence does).
The figures and the choice they led to are in docs/bot_scoring.md.

Candidates not in the project's dependencies are measured when installed:
`pip install crawler-user-agents device-detector user-agents woothee httpagentparser`.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).with_name("real_user_agents.csv")


def load_corpus(path: Path = CORPUS) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def candidates() -> dict[str, Callable[[str], bool]]:
    """name -> is_bot(user_agent), for each candidate that imports."""
    found: dict[str, Callable[[str], bool]] = {}
    try:
        from crawlerdetect import CrawlerDetect

        detector = CrawlerDetect()
        found[f"crawlerdetect {_version('crawlerdetect')}"] = lambda ua: bool(detector.isCrawler(ua))
    except ImportError:
        pass
    try:
        from ua_parser import parse

        found[f"ua-parser {_version('ua-parser')} (device Spider)"] = (
            lambda ua: (result := parse(ua)).device is not None and result.device.family == "Spider"
        )
    except ImportError:
        pass
    try:
        import crawleruseragents

        found[f"crawler-user-agents {_version('crawler-user-agents')}"] = crawleruseragents.is_crawler
    except ImportError:
        pass
    try:
        from user_agents import parse as ua_parse

        found[f"user-agents {_version('user-agents')}"] = lambda ua: ua_parse(ua).is_bot
    except ImportError:
        pass
    try:
        from device_detector import DeviceDetector

        found[f"device-detector {_version('device-detector')}"] = lambda ua: DeviceDetector(ua).parse().is_bot()
        found[f"device-detector {_version('device-detector')} (bot or library)"] = (
            lambda ua: (d := DeviceDetector(ua).parse()).is_bot() or d.client_type() == "library"
        )
    except ImportError:
        pass
    try:
        from is_bot import Bots

        bots = Bots()
        found[f"is-bot {_version('is-bot')}"] = bots.is_bot
    except ImportError:
        pass
    try:
        import woothee

        found[f"woothee {_version('woothee')}"] = lambda ua: woothee.parse(ua).get("category") == "crawler"
    except ImportError:
        pass
    try:
        import httpagentparser

        found[f"httpagentparser {_version('httpagentparser')}"] = lambda ua: bool(
            httpagentparser.detect(ua).get("bot")
        )
    except ImportError:
        pass
    return found


def matomo_corpus(humans_every: int = 5) -> list[dict[str, str]]:
    """A second, larger corpus: the real user agents that Matomo's Device Detector
    ships as test fixtures (collected from real traffic and labelled by its
    maintainers), when the `device-detector` package is installed. Bots are its
    bots.yml; browsers are its smartphone, phablet and tablet fixtures whose client
    is a browser (every `humans_every`-th, to keep the slow libraries' run short).
    Its labels come from the same project as device-detector's rules, which
    flatters device-detector."""
    import yaml

    try:
        import device_detector
    except ImportError:
        return []
    root = Path(device_detector.__file__).parent / "tests" / "fixtures" / "upstream"
    rows: list[dict[str, str]] = []
    for entry in yaml.safe_load((root / "bots.yml").read_text(encoding="utf-8")):
        rows.append({"user_agent": entry["user_agent"], "is_bot": "true", "identifies_itself": "true",
                     "family": entry["bot"].get("category") or "bot", "kind": "bot", "reference_url": ""})
    browsers = []
    for path in sorted(root.glob("*.yml")):
        if not path.name.startswith(("smartphone", "phablet", "tablet")):
            continue
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            client = entry.get("client") or {}
            if client.get("type") == "browser":
                browsers.append(entry["user_agent"])
    for ua in sorted(set(browsers))[::humans_every]:
        rows.append({"user_agent": ua, "is_bot": "false", "identifies_itself": "false",
                     "family": "mobile_browser", "kind": "browser", "reference_url": ""})
    return rows


def measure(rows: list[dict[str, str]], is_bot: Callable[[str], bool]) -> dict[str, object]:
    identifying = [r for r in rows if r["is_bot"] == "true" and r["identifies_itself"] == "true"]
    disguised = [r for r in rows if r["is_bot"] == "true" and r["identifies_itself"] == "false"]
    humans = [r for r in rows if r["is_bot"] == "false"]
    started = time.perf_counter()
    verdicts = {r["user_agent"]: bool(is_bot(r["user_agent"])) for r in rows}
    per_string_us = (time.perf_counter() - started) / len(rows) * 1e6
    missed = [r for r in identifying if not verdicts[r["user_agent"]]]
    false_positives = [r for r in humans if verdicts[r["user_agent"]]]
    return {
        "recall": 1 - len(missed) / len(identifying),
        "caught": len(identifying) - len(missed),
        "identifying": len(identifying),
        "false_positives": len(false_positives),
        "humans": len(humans),
        "disguised_caught": sum(verdicts[r["user_agent"]] for r in disguised),
        "disguised": len(disguised),
        "missed_families": sorted({r["family"] for r in missed}),
        "false_positive_families": sorted({r["family"] for r in false_positives}),
        "us_per_string": per_string_us,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--matomo", action="store_true",
                        help="measure on Device Detector's fixtures instead (needs device-detector, pyyaml)")
    parser.add_argument("--skip", nargs="*", default=[], help="libraries to leave out (name prefixes)")
    args = parser.parse_args(argv)
    rows = matomo_corpus() if args.matomo else load_corpus(args.corpus)
    print(f"{len(rows)} user agents: {sum(r['is_bot'] == 'true' for r in rows)} bots, "
          f"{sum(r['is_bot'] == 'false' for r in rows)} browsers\n")
    print("| library | recall (self-identifying bots) | false positives (browsers) | disguised scanners caught | missed families | µs per string (first call) |")
    print("|---|---|---|---|---|---|")
    for name, is_bot in candidates().items():
        if any(name.startswith(prefix) for prefix in args.skip):
            continue
        m = measure(rows, is_bot)
        print(
            f"| {name} | {m['recall']:.0%} ({m['caught']}/{m['identifying']}) "
            f"| {m['false_positives']}/{m['humans']}"
            f"{' (' + ', '.join(m['false_positive_families']) + ')' if m['false_positive_families'] else ''} "
            f"| {m['disguised_caught']}/{m['disguised']} "
            f"| {', '.join(m['missed_families']) or '-'} | {m['us_per_string']:,.0f} |"
        )


if __name__ == "__main__":
    main()
