"""Score the staged clicks of DUCKDB_PATH: `python -m sms_attribution.scoring [--threshold 0.5]`.

The same step as the Dagster asset scoring/click_bot_scores, for runs outside
Dagster (scripts, CI): run it after the staging models and before the models
that read scoring.click_bot_scores.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from .. import settings
from .reasons import threshold_from_env
from .scorer import SCORES_SCHEMA, SCORES_TABLE, score_clicks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb-path", type=Path, default=None)
    parser.add_argument("--threshold", type=float, default=None,
                        help="bot when bot_score >= this (default: BOT_SCORE_THRESHOLD, else 0.5)")
    args = parser.parse_args(argv)
    threshold = args.threshold if args.threshold is not None else threshold_from_env()
    path = args.duckdb_path or settings.duckdb_path()
    with duckdb.connect(str(path)) as conn:
        result = score_clicks(conn, threshold)
    print(
        f"{SCORES_SCHEMA}.{SCORES_TABLE}: {result.clicks:,} clicks scored, {result.bots:,} bots "
        f"({result.bot_share:.1%}) at threshold {threshold}, {result.seconds:.2f} s "
        f"({result.clicks_per_second:,.0f} clicks/s)"
    )
    for code, count in result.reason_counts.items():
        print(f"  {code:<22} {count:>10,}")


if __name__ == "__main__":
    main()
