"""Bot scoring against the generator's ground truth, and its speed.

    python -m sms_attribution.scoring.benchmark --scale tiny|small|large [--work-dir DIR] [--reuse]

Generates a landing zone at the scale (or reuses the one in the work directory
with --reuse), loads it, runs the staging models the scorer reads (`dbt run`,
DuckDB target), scores the clicks, and prints precision, recall and false-positive rate
of `is_bot` against `<truth>/clicks.csv` (`is_bot`, `bot_family`), recall per bot
family, how often each reason fired on bots and on people, and clicks scored per
second by the scoring step alone (user-agent and IP classification included).
Bots are the positive class: precision = bots caught / clicks flagged, recall =
bots caught / bots, false-positive rate = people flagged / people.

Only the sources the scorer reads are loaded (the other folders are removed from
the benchmark's own landing zone after generation). The full large preset (1M
subscribers, 30 days) still writes ~35 GB of landing files before that and needs
as much again for the warehouse; `--days` shortens it (`--scale large --days 3`,
~5 GB, is what docs/bot_scoring.md reports). `--replicate K`
then times the scoring step alone on the staged clicks repeated K times (fresh
click ids, each copy shifted by 40 days), for the throughput at a million
clicks, and scores the real clicks again afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import settings
from .reasons import REASONS, threshold_from_env
from .scorer import SCORES_SCHEMA, SCORES_TABLE, SEED_TABLES, STAGED_MODELS, ScoringResult, score_clicks

# landing folders behind the staged models the scorer reads
SCORED_SOURCES = ("sends", "links", "clicks", "twilio_status", "ga4")


@dataclass
class Evaluation:
    clicks: int
    bots: int
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    family_recall: list[tuple[str, int, int]]  # family, bots, caught
    reasons_on_bots: dict[str, int]
    reasons_on_humans: dict[str, int]
    false_positive_reasons: list[tuple[str, int]]

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.bots if self.bots else 1.0

    @property
    def false_positive_rate(self) -> float:
        humans = self.false_positives + self.true_negatives
        return self.false_positives / humans if humans else 0.0


def evaluate(conn: duckdb.DuckDBPyConnection, truth_clicks_csv: Path) -> Evaluation:
    conn.execute(f"""
        create or replace temp table _truth as
        select click_id, is_bot as truth_is_bot, coalesce(bot_family, '') as bot_family
        from read_csv('{truth_clicks_csv}', header = true, all_varchar = false,
                      types = {{'click_id': 'varchar', 'is_bot': 'boolean', 'bot_family': 'varchar'}})
    """)
    conn.execute(f"""
        create or replace temp table _judged as
        select truth.click_id, truth.truth_is_bot, truth.bot_family,
               coalesce(scores.is_bot, false) as is_bot, coalesce(scores.reasons, '') as reasons,
               scores.click_id is not null as is_scored
        from _truth as truth
        left join {SCORES_SCHEMA}.{SCORES_TABLE} as scores on truth.click_id = scores.click_id
    """)
    tp, fp, fn, tn, n, bots = conn.execute("""
        select count(*) filter (where truth_is_bot and is_bot),
               count(*) filter (where not truth_is_bot and is_bot),
               count(*) filter (where truth_is_bot and not is_bot),
               count(*) filter (where not truth_is_bot and not is_bot),
               count(*), count(*) filter (where truth_is_bot)
        from _judged
    """).fetchone()
    family = conn.execute("""
        select bot_family, count(*), count(*) filter (where is_bot)
        from _judged where truth_is_bot group by 1 order by 2 desc
    """).fetchall()

    def reason_counts(where: str) -> dict[str, int]:
        found = dict(conn.execute(f"""
            select code, count(*) from (
                select unnest(string_split(reasons, ';')) as code from _judged
                where reasons <> '' and {where}) group by 1
        """).fetchall())
        return {r.code: int(found.get(r.code, 0)) for r in REASONS}

    fp_reasons = conn.execute("""
        select reasons, count(*) from _judged where not truth_is_bot and is_bot
        group by 1 order by 2 desc limit 10
    """).fetchall()
    return Evaluation(
        clicks=int(n), bots=int(bots), true_positives=int(tp), false_positives=int(fp),
        false_negatives=int(fn), true_negatives=int(tn),
        family_recall=[(f, int(b), int(c)) for f, b, c in family],
        reasons_on_bots=reason_counts("truth_is_bot"),
        reasons_on_humans=reason_counts("not truth_is_bot"),
        false_positive_reasons=[(r, int(c)) for r, c in fp_reasons],
    )


def report(scale: str, result: ScoringResult, ev: Evaluation) -> str:
    lines = [
        f"## Bot scoring at scale `{scale}` (threshold {result.threshold})",
        "",
        f"{ev.clicks:,} clicks ({ev.bots:,} bots by the generator's truth); {result.bots:,} flagged.",
        "",
        "| precision | recall | false-positive rate (people flagged) | clicks scored per second |",
        "|---|---|---|---|",
        f"| {ev.precision:.4f} | {ev.recall:.4f} | {ev.false_positive_rate:.4%} "
        f"| {result.clicks_per_second:,.0f} ({result.clicks:,} in {result.seconds:.2f} s) |",
        "",
        f"TP {ev.true_positives:,} · FP {ev.false_positives:,} · FN {ev.false_negatives:,} · TN {ev.true_negatives:,}",
        "",
        "| bot family | bots | caught | recall |",
        "|---|---|---|---|",
    ]
    lines += [f"| {f} | {b:,} | {c:,} | {c / b:.2%} |" for f, b, c in ev.family_recall]
    lines += ["", "| reason | fired on bots | fired on people |", "|---|---|---|"]
    lines += [f"| {r.code} | {ev.reasons_on_bots[r.code]:,} | {ev.reasons_on_humans[r.code]:,} |" for r in REASONS]
    if ev.false_positive_reasons:
        lines += ["", "People flagged, by their reasons: "
                  + "; ".join(f"{r or '(none)'}: {c}" for r, c in ev.false_positive_reasons)]
    return "\n".join(lines)


def _run(command: list[str], env: dict[str, str]) -> float:
    """Run a stage; its output goes to stderr so that stdout is the report alone."""
    print("==> " + " ".join(command), file=sys.stderr, flush=True)
    started = time.monotonic()
    subprocess.run(command, env=env, cwd=settings.PROJECT_DIR, check=True, stdout=sys.stderr)
    return time.monotonic() - started


def prepare(scale: str, work: Path, seed: int, reuse: bool, days: int | None = None,
            subscribers: int | None = None) -> tuple[Path, Path]:
    """Generate (unless reused), load and build staging into work/warehouse.duckdb."""
    landing, truth, warehouse = work / "landing", work / "truth", work / "warehouse.duckdb"
    env = {**os.environ, "LANDING_DIR": str(landing), "TRUTH_DIR": str(truth),
           "DUCKDB_PATH": str(warehouse), "DBT_PROFILES_DIR": str(settings.PROJECT_DIR)}
    python = sys.executable
    if not (reuse and (truth / "clicks.csv").exists()):
        work.mkdir(parents=True, exist_ok=True)
        size = [*(["--days", str(days)] if days else []),
                *(["--subscribers", str(subscribers)] if subscribers else [])]
        _run([python, "-m", "sms_attribution.generator", "--scale", scale, *size, "--seed", str(seed),
              "--out", str(landing), "--truth-dir", str(truth), "--overwrite", "-q"], env)
        for folder in landing.iterdir():
            if folder.is_dir() and folder.name not in SCORED_SOURCES:
                shutil.rmtree(folder)
        warehouse.unlink(missing_ok=True)
    _run([python, "-m", "sms_attribution.loading"], env)
    # the seeds and staging models the scorer reads and their parents; their tests run in the real build
    _run([settings.executable("dbt"), "seed", "--target", "duckdb", "--select", *SEED_TABLES,
          "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"], env)
    _run([settings.executable("dbt"), "run", "--target", "duckdb",
          "--select", *("+" + model for model in STAGED_MODELS), "--target-path", str(work / "target"),
          "--log-path", str(work / "logs"), "--quiet"], env)
    return warehouse, truth / "clicks.csv"


def replicated_throughput(conn: duckdb.DuckDBPyConnection, copies: int, threshold: float) -> ScoringResult:
    """Score the staged clicks repeated `copies` times (schema bench_staging), timing
    the scoring step alone, then drop the copy."""
    conn.execute("create or replace schema bench_staging")
    for model in STAGED_MODELS:
        if model != "stg_shortlinks__clicks":
            conn.execute(f"create view bench_staging.{model} as select * from staging.{model}")
    conn.execute(f"""
        create table bench_staging.stg_shortlinks__clicks as
        select * replace (
            case when copy = 0 then click_id else concat(click_id, '_', copy) end as click_id,
            requested_at + to_days(40 * copy) as requested_at
        )
        from staging.stg_shortlinks__clicks, range({copies}) as copies(copy)
    """)
    try:
        return score_clicks(conn, threshold, staging_schema="bench_staging")
    finally:
        conn.execute("drop schema bench_staging cascade")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="tiny", help="generator preset: tiny, small or large")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="default: data/bench_bots/<scale> under the project")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the landing zone and truth already in the work directory")
    parser.add_argument("--days", type=int, default=None, help="override the preset's days")
    parser.add_argument("--subscribers", type=int, default=None, help="override the preset's subscribers")
    parser.add_argument("--skip-build", action="store_true",
                        help="score and evaluate the work directory's warehouse as it is")
    parser.add_argument("--replicate", type=int, default=0,
                        help="also time scoring on the staged clicks repeated this many times")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    work = (args.work_dir or settings.PROJECT_DIR / "data" / "bench_bots" / args.scale).resolve()
    threshold = args.threshold if args.threshold is not None else threshold_from_env()
    if args.skip_build:
        warehouse, truth_csv = work / "warehouse.duckdb", work / "truth" / "clicks.csv"
    else:
        warehouse, truth_csv = prepare(args.scale, work, args.seed, args.reuse, args.days, args.subscribers)
    label = args.scale + (f", {args.days} days" if args.days else "") + (
        f", {args.subscribers:,} subscribers" if args.subscribers else "")
    with duckdb.connect(str(warehouse)) as conn:
        result = score_clicks(conn, threshold)
        evaluation = evaluate(conn, truth_csv)
        print(report(label, result, evaluation))
        if args.replicate > 1:
            bulk = replicated_throughput(conn, args.replicate, threshold)
            print(f"\nThroughput, staged clicks x{args.replicate}: {bulk.clicks:,} clicks scored in "
                  f"{bulk.seconds:.2f} s ({bulk.clicks_per_second:,.0f} clicks/s)")
            score_clicks(conn, threshold)


if __name__ == "__main__":
    main()
