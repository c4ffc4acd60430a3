"""Measure the scorer's user-agent verdict on thousands of real, labelled strings.

    python -m sms_attribution.scoring.ua_corpus [--cache-dir DIR] [--libraries] [--show-dev-misses N]

The corpora are the maintained ones on the package registries, fetched with the
registries' own clients into a cache directory (default
`~/.cache/sms_attribution/ua_corpora`, or `UA_CORPUS_DIR`) unless the Python
packages are already installed (the `dev` extra installs them):

| corpus | from | label |
|---|---|---|
| `crawler-user-agents (PyPI)` | PyPI `crawler-user-agents`: every pattern's `instances` | bot |
| `crawler-user-agents (npm)` | npm `crawler-user-agents`: the same list as released on npm | bot |
| `matomo bots` | PyPI `device-detector`: Matomo's `bots.yml` fixtures | bot |
| `user-agents (npm)` | npm `user-agents`: real browsers' user agents with their weights | browser |
| `matomo browsers` | `device-detector`: phone, phablet, tablet and desktop fixtures whose client is a browser | browser |
| `matomo in-app browsers` | the same fixtures whose client is a mobile app with a web view (`Mozilla/5.0 ...`: Facebook, Instagram, TikTok, LINE, ...) | browser |

Every string is put in the development part or the held-out part by a hash of
the string itself (`held_out(ua)`: 30% held out), so the split is the same on
every machine and a string in two corpora is on the same side in both. Rules
are chosen looking at the development part only; the held-out figures are the
ones reported (docs/bot_scoring.md).

The scorer's verdict on a user agent alone is what `score_clicks` decides for a
click with that user agent and no other evidence (a residential address, 40 s
after delivery, landed): a bot when a user-agent reason of weight >= 0.5 fires
(`ua_preview_fetcher`, `ua_bot_pattern`, `ua_missing`). It is computed by the
same `classify_user_agents` the scorer runs, in DuckDB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import user_agents

HELD_OUT_PERCENT = 30
NPM_PACKAGES = {"crawler-user-agents": "1.60.0", "user-agents": "2.1.198"}
PYPI_PACKAGES = {"crawler-user-agents": "1.67.0", "device-detector": "6.5.1"}
DEVICE_FIXTURE_PREFIXES = ("smartphone", "phablet", "tablet", "desktop")


@dataclass(frozen=True)
class Corpus:
    name: str
    is_bot: bool
    user_agents: tuple[str, ...]


def held_out(user_agent: str) -> bool:
    """The deterministic split: a hash of the string, 30% held out."""
    digest = hashlib.sha256(user_agent.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def default_cache_dir() -> Path:
    return Path(os.environ.get("UA_CORPUS_DIR") or Path.home() / ".cache" / "sms_attribution" / "ua_corpora")


# --------------------------------------------------------------- fetching

def _npm_package_dir(cache: Path, name: str, version: str) -> Path:
    target = cache / "npm" / f"{name}-{version}"
    if (target / "package").is_dir():
        return target / "package"
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", str(target)],
                   check=True, capture_output=True)
    tarball = next(target.glob("*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def _python_package_dir(cache: Path, dist: str, module: str) -> Path:
    """The installed package's folder, else a wheel downloaded with pip and unpacked."""
    try:
        imported = __import__(module)
        return Path(imported.__file__).parent
    except ImportError:
        pass
    version = PYPI_PACKAGES[dist]
    target = cache / "pypi" / f"{dist}-{version}"
    if not (target / module).is_dir():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(target),
                        f"{dist}=={version}"], check=True)
        import zipfile

        with zipfile.ZipFile(next(target.glob("*.whl"))) as wheel:
            wheel.extractall(target)
    return target / module


# --------------------------------------------------------------- corpora

def crawler_user_agents(package_dir: Path, name: str) -> Corpus:
    entries = json.loads((package_dir / "crawler-user-agents.json").read_text(encoding="utf-8"))
    found = {ua.strip() for entry in entries for ua in entry.get("instances", []) if ua.strip()}
    return Corpus(name, True, tuple(sorted(found)))


def npm_user_agents(package_dir: Path) -> Corpus:
    entries = json.loads((package_dir / "dist" / "user-agents.json").read_text(encoding="utf-8"))
    found = {e["userAgent"].strip() for e in entries if e.get("userAgent", "").strip()}
    return Corpus("user-agents (npm)", False, tuple(sorted(found)))


def matomo_corpora(device_detector_dir: Path) -> list[Corpus]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: about 10x faster on 60 MB of fixtures

    def load(path: Path):
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)

    root = device_detector_dir / "tests" / "fixtures" / "upstream"
    bots = {e["user_agent"].strip() for e in load(root / "bots.yml")}
    browsers: set[str] = set()
    in_app: set[str] = set()
    for path in sorted(root.glob("*.yml")):
        if not path.name.startswith(DEVICE_FIXTURE_PREFIXES):
            continue
        for entry in load(path) or []:
            client = entry.get("client") or {}
            ua = str(entry["user_agent"]).strip()
            if client.get("type") == "browser":
                browsers.add(ua)
            elif client.get("type") == "mobile app" and ua.startswith("Mozilla/5.0"):
                in_app.add(ua)
    return [
        Corpus("matomo bots", True, tuple(sorted(bots - browsers - in_app))),
        Corpus("matomo browsers", False, tuple(sorted(browsers - bots))),
        Corpus("matomo in-app browsers", False, tuple(sorted(in_app - bots))),
    ]


def load_corpora(cache: Path | None = None, *, npm: bool = True) -> list[Corpus]:
    """Every corpus that can be had here (npm ones need the `npm` client)."""
    cache = cache or default_cache_dir()
    corpora = [crawler_user_agents(_python_package_dir(cache, "crawler-user-agents", "crawleruseragents"),
                                   "crawler-user-agents (PyPI)")]
    if npm:
        corpora.append(crawler_user_agents(
            _npm_package_dir(cache, "crawler-user-agents", NPM_PACKAGES["crawler-user-agents"]),
            "crawler-user-agents (npm)"))
    corpora += matomo_corpora(_python_package_dir(cache, "device-detector", "device_detector"))
    if npm:
        corpora.append(npm_user_agents(_npm_package_dir(cache, "user-agents", NPM_PACKAGES["user-agents"])))
    return corpora


# --------------------------------------------------------------- the scorer's verdict

def scorer_verdicts(strings: list[str]) -> dict[str, tuple[bool, str]]:
    """user agent -> (bot on the user agent alone, the reason / rule that decided)."""
    conn = duckdb.connect()
    conn.execute("set enable_progress_bar = false")
    conn.execute("create table _corpus as select unnest(?::varchar[]) as user_agent", [sorted(set(strings))])
    user_agents.classify_user_agents(conn, "select user_agent from _corpus", user_agents.load_preview_fetchers())
    rows = conn.execute("""
        select user_agent, is_missing, fetcher_family, is_bot_pattern, ua_rule from _ua_classes
    """).fetchall()
    conn.close()
    verdicts = {}
    for ua, missing, fetcher, pattern, rule in rows:
        if ua is None:
            continue
        why = "ua_preview_fetcher" if fetcher else "ua_missing" if missing else (rule or "") if pattern else ""
        verdicts[ua] = (bool(missing or fetcher or pattern), why)
    return verdicts


@dataclass
class Figures:
    corpus: str
    is_bot: bool
    part: str
    total: int
    flagged: int

    @property
    def rate(self) -> float:
        return self.flagged / self.total if self.total else 0.0

    @property
    def label(self) -> str:
        return "recall" if self.is_bot else "false positives"


def evaluate(corpora: list[Corpus], is_bot: Callable[[str], bool]) -> list[Figures]:
    figures = []
    for corpus in corpora:
        for part, keep in (("dev", False), ("held-out", True)):
            strings = [ua for ua in corpus.user_agents if held_out(ua) is keep]
            figures.append(Figures(corpus.name, corpus.is_bot, part, len(strings),
                                   sum(bool(is_bot(ua)) for ua in strings)))
    return figures


def pooled(figures: list[Figures], part: str, bots: bool) -> Figures:
    rows = [f for f in figures if f.part == part and f.is_bot is bots]
    return Figures("all bots" if bots else "all browsers", bots, part,
                   sum(f.total for f in rows), sum(f.flagged for f in rows))


def print_table(figures: list[Figures], dev_only: bool = False) -> None:
    if dev_only:
        figures = [f if f.part == "dev" else Figures(f.corpus, f.is_bot, f.part, 0, 0) for f in figures]
    print("| corpus | label | dev: flagged / strings | dev | held-out: flagged / strings | held-out |")
    print("|---|---|---|---|---|---|")
    names = list(dict.fromkeys(f.corpus for f in figures))
    rows = [(n, [f for f in figures if f.corpus == n]) for n in names]
    for bots in (True, False):
        rows.append((None, [pooled(figures, "dev", bots), pooled(figures, "held-out", bots)]))
    for _, (dev, held) in rows:
        print(f"| {dev.corpus} | {dev.label} | {dev.flagged:,} / {dev.total:,} | {dev.rate:.2%} "
              f"| {held.flagged:,} / {held.total:,} | {held.rate:.2%} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--no-npm", action="store_true", help="leave out the corpora that come from npm")
    parser.add_argument("--libraries", action="store_true",
                        help="also measure the candidate libraries of ua_libraries.py (slow: device-detector)")
    parser.add_argument("--dev-only", action="store_true",
                        help="print the development part only (for choosing rules)")
    parser.add_argument("--skip", nargs="*", default=[], help="libraries to leave out (name prefixes)")
    parser.add_argument("--show-dev-misses", type=int, default=0,
                        help="print this many missed bots and flagged browsers of the DEVELOPMENT part only")
    args = parser.parse_args(argv)
    corpora = load_corpora(args.cache_dir, npm=not args.no_npm)
    everything = [ua for c in corpora for ua in c.user_agents]
    started = time.perf_counter()
    verdicts = scorer_verdicts(everything)
    seconds = time.perf_counter() - started
    print(f"{len(set(everything)):,} distinct strings in {len(corpora)} corpora; "
          f"{HELD_OUT_PERCENT}% held out by hash; classified in {seconds:.1f} s\n")
    print("### the scorer (user agent alone)\n")
    print_table(evaluate(corpora, lambda ua: verdicts[ua][0]), args.dev_only)
    if args.show_dev_misses:
        for corpus in corpora:
            wrong = [ua for ua in corpus.user_agents if not held_out(ua) and verdicts[ua][0] is not corpus.is_bot]
            print(f"\n{corpus.name}: {len(wrong)} wrong in dev")
            for ua in wrong[: args.show_dev_misses]:
                print(f"   {verdicts[ua][1] or '-':<22} {ua[:160]}")
    if args.libraries:
        from .ua_libraries import candidates

        for name, is_bot in candidates().items():
            if any(name.startswith(prefix) for prefix in args.skip):
                continue
            print(f"\n### {name}\n")
            started = time.perf_counter()
            print_table(evaluate(corpora, is_bot), args.dev_only)
            print(f"\n({(time.perf_counter() - started) / len(everything) * 1e6:,.0f} µs per string)")


if __name__ == "__main__":
    main()
