"""Coverage of the holdout intervals against the generator's truth (slow: run with
`python -m pytest -m slow tests/python/test_experiment_coverage.py -s`).

For several seeds, a landing zone long and large enough to hold many campaigns is
generated, loaded and built up to the experiment models (models only, no tests), and
the experiments step computes experiments.incrementality_statistics. Each campaign's
95% interval of the absolute lift (and of the relative lift) is then checked against
the truth's estimand of what the warehouse measures.

The estimand. The warehouse counts a member as converted when the person has any
conversion inside the window, so the measured rates include conversions the
campaign did not cause (background purchases, other campaigns'), and the generator's
configured p_treatment / p_control - 1 is not what a holdout of converters measures.
A member converts with probability o + (1 - o) p, o = 1 when the person has another
conversion inside its window, p its own probability (truth/variants.csv's
p_convert_treatment for its variant, truth/lift.csv's p_control). Assignment is
random, so the chance q of another conversion is the same in both groups: it is
estimated from both groups' members together (realized, from truth/conversions.csv:
every conversion of the subscriber inside the member's window that is not this
membership's own), and the expected rates are q + (1 - q) * mean(p) per group; the
true absolute and relative lifts are their difference and ratio - 1. (Taking each
group's own realized o instead would condition on the luck of the draw and make any
interval look conservative.) Memberships and clocks are read from the staged holdout
assignments and sends (the landing zone's), recomputed here.
Campaigns counted: not journeys, every window ended before the data's end.

An interval procedure is honest when about 95% of campaigns' intervals contain their
truth: the test asserts 95% +- 3% and prints how many campaigns it used.

EXPERIMENT_COVERAGE_SEEDS (default 4), EXPERIMENT_COVERAGE_SUBSCRIBERS (default
4000) and EXPERIMENT_COVERAGE_DAYS (default 60) size it."""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from datetime import datetime, timedelta

import duckdb
import pytest

from conftest import run_dbt

SEEDS = int(os.environ.get("EXPERIMENT_COVERAGE_SEEDS", "4"))
SUBSCRIBERS = int(os.environ.get("EXPERIMENT_COVERAGE_SUBSCRIBERS", "4000"))
DAYS = int(os.environ.get("EXPERIMENT_COVERAGE_DAYS", "60"))
WINDOW = timedelta(days=7)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def estimands(conn, truth) -> dict[str, tuple[float, float]]:
    """campaign -> (true absolute lift, true relative lift) as the warehouse measures."""
    lift = {r["campaign_id"]: r for r in read_csv(truth / "lift.csv")}
    p_variant = {r["variant_id"]: float(r["p_convert_treatment"]) for r in read_csv(truth / "variants.csv")}
    conversions = defaultdict(dict)  # subscriber -> conversion key -> (time, campaign, group)
    for r in read_csv(truth / "conversions.csv"):
        if r["subscriber_id"] and r["conversion_type"] in ("purchase", "lead", "offline"):
            conversions[r["subscriber_id"]][r["conversion_key"] or r["conversion_id"]] = (
                parse_time(r["converted_at"]), r["campaign_id"], r["holdout_group"])
    data_end = max((t for c in conversions.values() for t, _, _ in c.values()), default=None)
    sends = conn.execute("""
        select campaign_id, subscriber_id, variant_id, subscriber_timezone, queued_at
        from intermediate.int_sends_joined where campaign_id is not null and subscriber_id is not null
        order by queued_at, send_id
    """).fetchall()
    first, first_tz, first_campaign = {}, {}, {}
    for campaign, subscriber, variant, tz, queued in sends:
        first.setdefault((campaign, subscriber), (queued, variant))
        first_tz.setdefault((campaign, tz), queued)
        first_campaign.setdefault(campaign, queued)
    tz_of = dict(conn.execute("select subscriber_id, timezone from staging.stg_sms_platform__subscribers").fetchall())
    assignments = conn.execute("""
        select campaign_id, subscriber_id, holdout_group from staging.stg_sms_platform__holdout_assignments
        where campaign_id <> 'global'
    """).fetchall()
    sums = defaultdict(lambda: {"treatment": [0.0, 0], "control": [0.0, 0], "other": 0, "last_end": None})
    for campaign, subscriber, group in assignments:
        truth_row = lift.get(campaign)
        if truth_row is None or truth_row["is_journey"] == "true":
            continue
        sent = first.get((campaign, subscriber))
        if group == "treatment" and sent:
            clock, p = sent[0], p_variant[sent[1]]
        elif group == "treatment":
            continue  # assigned, never sent: no variant probability to expect
        else:
            clock = first_tz.get((campaign, tz_of.get(subscriber, "UTC")), first_campaign.get(campaign))
            p = float(truth_row["p_control"])
        if clock is None:
            continue
        other = any(clock <= t < clock + WINDOW and not (c == campaign and g == group)
                    for t, c, g in conversions.get(subscriber, {}).values())
        s = sums[campaign]
        s[group][0] += p
        s[group][1] += 1
        s["other"] += other
        s["last_end"] = max(s["last_end"] or clock + WINDOW, clock + WINDOW)
    out = {}
    for campaign, s in sums.items():
        (pt, nt), (pc, nc) = s["treatment"], s["control"]
        if nt and nc and data_end and s["last_end"] <= data_end:
            q = s["other"] / (nt + nc)
            rate_t, rate_c = q + (1 - q) * pt / nt, q + (1 - q) * pc / nc
            out[campaign] = (rate_t - rate_c, rate_t / rate_c - 1 if rate_c else None)
    return out


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
        truths = estimands(conn, truth)
    return published, truths


@pytest.mark.slow
def test_holdout_intervals_cover_the_truth(tmp_path_factory):
    abs_hits = abs_n = rel_hits = rel_n = 0
    for seed in range(1, SEEDS + 1):
        published, truths = build_experiments(tmp_path_factory.mktemp(f"coverage_{seed}"), seed)
        for campaign, (true_abs, true_rel) in truths.items():
            row = published.get(campaign)
            if row is None or row["abs_lift_ci_low"] is None:
                continue
            abs_n += 1
            abs_hits += row["abs_lift_ci_low"] <= true_abs <= row["abs_lift_ci_high"]
            if row["rel_lift_ci_low"] is not None and true_rel is not None:
                rel_n += 1
                rel_hits += row["rel_lift_ci_low"] <= true_rel <= row["rel_lift_ci_high"]
    print(f"\nabsolute lift: {abs_hits} of {abs_n} campaigns' 95% intervals contain the truth "
          f"({abs_hits / max(abs_n, 1):.1%}); relative lift: {rel_hits} of {rel_n} ({rel_hits / max(rel_n, 1):.1%}); "
          f"{SEEDS} seeds x {SUBSCRIBERS} subscribers x {DAYS} days")
    assert abs_n >= 150, f"only {abs_n} campaigns: too few to measure coverage"
    assert 0.92 <= abs_hits / abs_n <= 0.98, f"absolute-lift coverage {abs_hits}/{abs_n}"
    assert 0.92 <= rel_hits / rel_n <= 0.98, f"relative-lift coverage {rel_hits}/{rel_n}"
