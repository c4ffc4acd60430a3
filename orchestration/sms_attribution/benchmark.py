"""Wall time and peak memory of the pipeline's stages at a given scale.

    python -m sms_attribution.benchmark --scale large [--work-dir data/bench]

Runs each stage as its own process (generate, load, dbt build of seeds and staging,
bot scoring, dbt build of everything downstream) and reads
that process's peak resident memory from the kernel (wait4's ru_maxrss), so each
figure is the stage's own. Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from . import settings
from .scoring.benchmark import evaluate


def run_stage(name: str, command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    print(f"==> {name}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=settings.PROJECT_DIR)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed with exit code {os.waitstatus_to_exitcode(status)}")
    peak_gib = usage.ru_maxrss / (1024 * 1024)  # ru_maxrss is in KiB on Linux
    print(f"    {elapsed:,.1f} s, peak RSS {peak_gib:.2f} GiB", flush=True)
    return name, elapsed, peak_gib


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work-dir", type=Path, default=settings.PROJECT_DIR / "data" / "bench")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and warehouse")
    args = parser.parse_args(argv)

    work = args.work_dir.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {
        **os.environ,
        "LANDING_DIR": str(work / "landing"),
        "TRUTH_DIR": str(work / "truth"),
        "DUCKDB_PATH": str(work / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(settings.PROJECT_DIR),
    }
    python = sys.executable
    dbt = str(Path(python).parent / "dbt")
    stages = [
        run_stage("generate", [python, "-m", "sms_attribution.generator", "--scale", args.scale,
                               "--seed", str(args.seed), "--out", env["LANDING_DIR"],
                               "--truth-dir", env["TRUTH_DIR"]], env),
        run_stage("load", [python, "-m", "sms_attribution.loading"], env),
        # the nightly job's order: seeds and staging, bot scoring, everything downstream
        run_stage("dbt build: seeds, staging (DuckDB)",
                  [dbt, "build", "--target", "duckdb", *settings.DBT_STAGING_STEP,
                   "--target-path", str(work / "target")], env),
        run_stage("bot scoring (Python asset)", [python, "-m", "sms_attribution.scoring"], env),
        run_stage("dbt build: intermediate, core, rule-based marts, reporting (DuckDB)",
                  [dbt, "build", "--target", "duckdb", *settings.DBT_DOWNSTREAM_STEP,
                   "--target-path", str(work / "target")], env),
        run_stage("data-driven weights (Python asset)", [python, "-m", "sms_attribution.attribution"], env),
        run_stage("dbt build: Markov and Shapley marts (DuckDB)",
                  [dbt, "build", "--target", "duckdb", *settings.DBT_DATA_DRIVEN_STEP,
                   "--target-path", str(work / "target")], env),
        run_stage("experiment statistics (Python asset)", [python, "-m", "sms_attribution.experiments"], env),
        run_stage("dbt build: experiment marts (DuckDB)",
                  [dbt, "build", "--target", "duckdb", *settings.DBT_EXPERIMENTS_STEP,
                   "--target-path", str(work / "target")], env),
    ]
    with duckdb.connect(env["DUCKDB_PATH"]) as conn:
        bots = evaluate(conn, work / "truth" / "clicks.csv")
        landed = conn.execute(
            "select source_name, sum(rows_landed) from reporting.rpt_data_quality group by 1 order by 2 desc"
        ).fetchall()
        sends = conn.execute("select count(*) from staging.stg_sms_platform__sends").fetchone()[0]
    size_gib = sum(p.stat().st_size for p in (work / "landing").rglob("*") if p.is_file()) / 2**30
    db_gib = Path(env["DUCKDB_PATH"]).stat().st_size / 2**30

    print(f"\nscale {args.scale}: {sends:,} sends staged; landing zone {size_gib:.2f} GiB, "
          f"warehouse {db_gib:.2f} GiB; {os.cpu_count()} cores")
    print("rows landed: " + ", ".join(f"{s} {n:,}" for s, n in landed))
    print("\n| stage | wall time | peak RSS |\n|---|---:|---:|")
    for name, elapsed, peak in stages:
        print(f"| {name} | {elapsed:,.0f} s | {peak:.2f} GiB |")
    print(f"\nbot scoring against the generator's truth ({bots.clicks:,} clicks, {bots.bots:,} bots): "
          f"precision {bots.precision:.4f}, recall {bots.recall:.4f}, "
          f"false-positive rate {bots.false_positive_rate:.4%} "
          f"(TP {bots.true_positives:,}, FP {bots.false_positives:,}, FN {bots.false_negatives:,})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
