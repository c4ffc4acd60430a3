"""Coverage of the holdout intervals against the generator's truth (slow: run with
`python -m pytest -m slow tests/python/test_experiment_coverage.py -s`).

For several seeds, a landing zone long and large enough to hold many campaigns is
generated, loaded and built up to the experiment models (models only, no tests), and
the experiments step computes experiments.incrementality_statistics. Each campaign's
95% interval of the absolute lift (and of the relative lift) is then checked against
the truth's estimand of what the warehouse measures (truth/lift.csv:
true_abs_lift_measured, true_rel_lift_measured: the expected converter rates of the
two arms given the generator's probabilities, see generator/estimands.py), over the
campaigns whose every window ended inside the data (window_complete), that are not
journeys, and whose conversions were not forced by the generator's small-run minimums.
An interval procedure is honest when about 95% of campaigns' intervals contain their
truth: the test asserts 95% +- 3% and prints how many campaigns it used.

EXPERIMENT_COVERAGE_SEEDS (default 4), EXPERIMENT_COVERAGE_SUBSCRIBERS (default
4000) and EXPERIMENT_COVERAGE_DAYS (default 60) size it."""

from __future__ import annotations

import csv
import os

import duckdb
import pytest

from conftest import run_dbt

SEEDS = int(os.environ.get("EXPERIMENT_COVERAGE_SEEDS", "4"))
SUBSCRIBERS = int(os.environ.get("EXPERIMENT_COVERAGE_SUBSCRIBERS", "4000"))
DAYS = int(os.environ.get("EXPERIMENT_COVERAGE_DAYS", "60"))


def build_experiments(base, seed: int):
    from sms_attribution import settings
    from sms_attribution.experiments.tables import compute_experiment_statistics, project_variables
    from sms_attribution.generator import SCALES, generate
    from sms_attribution.loading import load_all
    from sms_attribution.scoring.reasons import DEFAULT_THRESHOLD
    from sms_attribution.scoring.scorer import score_clicks

    landing, truth, target = base / "landing", base / "truth", base / "target"
    generate(landing, truth, seed=seed, **{**SCALES["small"], "subscribers": SUBSCRIBERS, "days": DAYS})
    warehouse = base / "warehouse.duckdb"
    load_all(warehouse, landing)
    run_dbt(["build", *settings.DBT_STAGING_STEP, "--resource-type", "seed", "--resource-type", "model"],
            warehouse, target)
    with duckdb.connect(str(warehouse)) as conn:
        score_clicks(conn, DEFAULT_THRESHOLD)
    run_dbt(["run", "--select", "+int_holdout_groups", "+int_ab_test_variants", "--exclude", "resource_type:seed"],
            warehouse, target)
    with duckdb.connect(str(warehouse)) as conn:
        compute_experiment_statistics(conn, **project_variables())
        cur = conn.execute("select * from experiments.incrementality_statistics")
        names = [d[0] for d in cur.description]
        published = {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    with open(truth / "lift.csv", newline="", encoding="utf-8") as f:
        lift = {r["campaign_id"]: r for r in csv.DictReader(f)}
    return published, lift


def truthy(value: str) -> bool:
    return str(value).strip().lower() in ("true", "1")


@pytest.mark.slow
def test_holdout_intervals_cover_the_truth(tmp_path_factory):
    abs_hits = abs_n = rel_hits = rel_n = 0
    global_rows = []
    for seed in range(1, SEEDS + 1):
        published, lift = build_experiments(tmp_path_factory.mktemp(f"coverage_{seed}"), seed)
        for campaign, truth in lift.items():
            row = published.get(campaign)
            if campaign == "global":
                global_rows.append((seed, truth, row))
                continue
            if (row is None or truthy(truth["is_journey"]) or not truthy(truth["window_complete"])
                    or truthy(truth["has_forced_conversions"]) or row["abs_lift_ci_low"] is None):
                continue
            true_abs = float(truth["true_abs_lift_measured"])
            abs_n += 1
            abs_hits += row["abs_lift_ci_low"] <= true_abs <= row["abs_lift_ci_high"]
            if row["rel_lift_ci_low"] is not None and truth["true_rel_lift_measured"] not in ("", None):
                rel_n += 1
                rel_hits += row["rel_lift_ci_low"] <= float(truth["true_rel_lift_measured"]) <= row["rel_lift_ci_high"]
    print(f"\nabsolute lift: {abs_hits} of {abs_n} campaigns' 95% intervals contain the truth "
          f"({abs_hits / max(abs_n, 1):.1%}); relative lift: {rel_hits} of {rel_n} ({rel_hits / max(rel_n, 1):.1%}); "
          f"{SEEDS} seeds x {SUBSCRIBERS} subscribers x {DAYS} days")
    for seed, truth, row in global_rows:
        inside = row is not None and row["abs_lift_ci_low"] is not None and (
            row["abs_lift_ci_low"] <= float(truth["true_abs_lift_measured"]) <= row["abs_lift_ci_high"])
        print(f"global holdout, seed {seed}: truth {float(truth['true_abs_lift_measured']):.4f}, "
              f"interval [{row and row['abs_lift_ci_low']}, {row and row['abs_lift_ci_high']}], inside: {inside}")
    assert abs_n >= 150, f"only {abs_n} campaigns: too few to measure coverage"
    assert 0.92 <= abs_hits / abs_n <= 0.98, f"absolute-lift coverage {abs_hits}/{abs_n}"
    assert 0.92 <= rel_hits / rel_n <= 0.98, f"relative-lift coverage {rel_hits}/{rel_n}"
