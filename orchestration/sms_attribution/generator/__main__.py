"""CLI: python -m sms_attribution.generator --scale tiny|small|large --out DIR --truth-dir DIR"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

from .core import SCALES, generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sms_attribution.generator", description=__doc__)
    ap.add_argument("--scale", choices=sorted(SCALES), default="tiny",
                    help="preset: tiny (~200 subscribers, 7 days), small (20k, 30 days), large (1M, 30 days)")
    ap.add_argument("--subscribers", type=int, help="override the preset's subscriber count")
    ap.add_argument("--visitors", type=int, help="non-subscriber web visitors (default: subscribers / 2)")
    ap.add_argument("--days", type=int, help="override the preset's number of days")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--start-date", type=date.fromisoformat, help="first day (default 2026-10-01)")
    ap.add_argument("--end-date", type=date.fromisoformat,
                    help="last day, inclusive (e.g. today, so freshness checks pass)")
    ap.add_argument("--bot-share", type=float, default=0.30, help="share of click requests made by bots")
    ap.add_argument("--holdout-share", type=float, default=0.10, help="control-group share per campaign")
    ap.add_argument("--max-records-per-file", type=int, default=500_000)
    ap.add_argument("--out", default="data/landing", help="landing directory (LANDING_DIR)")
    ap.add_argument("--truth-dir", default="data/truth", help="ground-truth directory (never read by the pipeline)")
    ap.add_argument("--overwrite", action="store_true", help="replace existing source folders in --out")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args(argv)
    if not args.quiet:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    preset = dict(SCALES[args.scale])
    if args.subscribers is not None:
        preset["subscribers"] = args.subscribers
    if args.days is not None:
        preset["days"] = args.days
    summary = generate(args.out, args.truth_dir, seed=args.seed, start_date=args.start_date,
                       end_date=args.end_date, visitors=args.visitors, bot_share=args.bot_share,
                       holdout_share=args.holdout_share, max_records_per_file=args.max_records_per_file,
                       overwrite=args.overwrite, **preset)
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
