"""The experiment marts against an independent recomputation.

On the session's tiny warehouse (conftest.tiny_world): the members, windows and sums
of reporting.rpt_incrementality and rpt_ab_tests recomputed in Python from the core
facts and the holdout assignments (not from the experiment models), their p-values
and intervals recomputed with statsmodels (a library the pipeline does not use) to
1e-6, and rpt_attribution_calibration's credits re-summed from the attribution marts.

The coverage of the intervals against the generator's truth, over several seeds, is
test_experiment_coverage.py (marked slow)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

import duckdb
import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

from sms_attribution import settings

WINDOW = timedelta(days=int(settings.project_vars()["experiment_window_days"]))
TYPES = set(settings.project_vars()["experiment_conversion_types"])


def close(a, b, tol=1e-6) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b)))
    return abs(a - b) <= tol * max(1.0, abs(b))


def rows(conn, sql):
    cur = conn.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def members_recomputed(conn) -> dict[tuple[str, str], dict]:
    """(campaign, subscriber) -> group, variant, window revenue and conversions,
    from core.fct_sends, core.fct_conversions and the holdout assignments."""
    journeys = {r["campaign_id"] for r in rows(conn, "select campaign_id from staging.stg_sms_platform__campaign_variants where is_journey")}
    sends = rows(conn, "select * from core.fct_sends where campaign_id is not null and subscriber_id is not null")
    tz = {r["subscriber_id"]: r["timezone"] for r in rows(conn, "select subscriber_id, timezone from staging.stg_sms_platform__subscribers")}
    person_of = {r["identifier_value"]: r["person_id"] for r in rows(
        conn, "select identifier_value, person_id from intermediate.int_identifiers_resolved where identifier_type = 'subscriber_id'")}
    first_tz, first_campaign = {}, {}
    member_sends = defaultdict(list)
    for s in sends:
        key = (s["campaign_id"], s["subscriber_timezone"])
        first_tz[key] = min(first_tz.get(key, s["queued_at"]), s["queued_at"])
        first_campaign[s["campaign_id"]] = min(first_campaign.get(s["campaign_id"], s["queued_at"]), s["queued_at"])
        member_sends[(s["campaign_id"], s["subscriber_id"])].append(s)
    groups = {(r["campaign_id"], r["subscriber_id"]): r["holdout_group"] for r in rows(
        conn, "select * from staging.stg_sms_platform__holdout_assignments where campaign_id <> 'global'")}
    conversions = defaultdict(list)
    for c in rows(conn, "select person_id, converted_at, conversion_type, revenue_usd from core.fct_conversions"):
        if c["conversion_type"] in TYPES and c["person_id"] is not None:
            conversions[c["person_id"]].append(c)
    out = {}
    for key in set(groups) | set(member_sends):
        campaign, subscriber = key
        group = groups.get(key, "treatment")
        sent = sorted(member_sends.get(key, []), key=lambda s: (s["queued_at"], s["send_id"]))
        if group == "treatment" and sent:
            clock, person = sent[0]["queued_at"], sent[0]["person_id"]
        elif campaign in journeys:
            continue
        else:
            clock = first_tz.get((campaign, tz.get(subscriber, "UTC")), first_campaign.get(campaign))
            person = sent[0]["person_id"] if sent else person_of.get(subscriber)
        if clock is None:
            continue
        inside = [c for c in conversions.get(person, []) if clock <= c["converted_at"] < clock + WINDOW]
        out[key] = {"group": group, "variant": sent[0]["variant_id"] if sent and group == "treatment" else None,
                    "delivered": any(s["is_delivered"] for s in sent),
                    "converted": bool(inside), "conversions": len(inside),
                    "revenue": float(sum(c["revenue_usd"] or 0 for c in inside)), "clock": clock}
    return out


@pytest.fixture(scope="module")
def tiny(tiny_world):
    warehouse, _ = tiny_world
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        yield conn


def test_incrementality_counts_and_statistics(tiny):
    members = members_recomputed(tiny)
    published = {r["campaign_id"]: r for r in rows(tiny, "select * from reporting.rpt_incrementality")}
    by_campaign = defaultdict(lambda: {"treatment": [], "control": []})
    for (campaign, _), m in members.items():
        by_campaign[campaign][m["group"]].append(m)
    assert set(by_campaign) <= set(published), set(by_campaign) - set(published)
    checked = 0
    for campaign, g in by_campaign.items():
        row = published[campaign]
        t, c = g["treatment"], g["control"]
        assert row["treatment_members"] == len(t) and row["control_members"] == len(c), campaign
        xt, xc = sum(m["converted"] for m in t), sum(m["converted"] for m in c)
        assert (row["treatment_converters"], row["control_converters"]) == (xt, xc), campaign
        assert close(row["treatment_revenue_usd"], sum(m["revenue"] for m in t))
        if not c or not t:
            assert row["abs_lift"] is None and row["p_value"] is None
            continue
        lo, hi = confint_proportions_2indep(xt, len(t), xc, len(c), method="newcomb", compare="diff")
        assert close(row["abs_lift"], xt / len(t) - xc / len(c))
        assert close(row["abs_lift_ci_low"], lo) and close(row["abs_lift_ci_high"], hi), campaign
        assert close(row["incremental_conversions"], (xt / len(t) - xc / len(c)) * len(t))
        if xt + xc not in (0, len(t) + len(c)):
            _, p = proportions_ztest([xt, xc], [len(t), len(c)])
            assert close(row["p_value"], p), campaign
        if xt and xc:
            rlo, rhi = confint_proportions_2indep(xt, len(t), xc, len(c), method="log", compare="ratio")
            assert close(row["rel_lift_ci_low"], rlo - 1) and close(row["rel_lift_ci_high"], rhi - 1), campaign
        rt = np.array([m["revenue"] for m in t])
        rc = np.array([m["revenue"] for m in c])
        assert close(row["incremental_revenue"], (rt.mean() - rc.mean()) * len(rt))
        if rt.mean() > 0 and rc.mean() > 0 and len(rt) + len(rc) > 2:
            # quasi-Poisson: the log-link GLM with the pooled Pearson-type dispersion
            phi = (((rt - rt.mean()) ** 2).sum() + ((rc - rc.mean()) ** 2).sum()) / (
                (len(rt) - 1) * rt.mean() + (len(rc) - 1) * rc.mean())
            y = np.r_[rt, rc]
            X = np.column_stack([np.ones(len(y)), np.r_[np.ones(len(rt)), np.zeros(len(rc))]])
            fit = GLM(y, X, family=families.Poisson()).fit(scale=phi, use_t=True, tol=1e-13, maxiter=200)
            low, high = np.expm1(fit.conf_int()[1])
            assert close(row["rpr_rel_lift_ci_low"], low) and close(row["rpr_rel_lift_ci_high"], high), campaign
        checked += 1
    assert checked >= 5, f"only {checked} campaigns with both groups on tiny"


def test_ab_tests_counts_and_statistics(tiny):
    members = members_recomputed(tiny)
    published = rows(tiny, "select * from reporting.rpt_ab_tests")
    by_variant = defaultdict(list)
    for (campaign, _), m in members.items():
        if m["group"] == "treatment" and m["variant"]:
            by_variant[m["variant"]].append(m)
    p_by_campaign = defaultdict(list)
    for row in published:
        v, cv = by_variant.get(row["variant_id"], []), by_variant.get(row["control_variant_id"], [])
        assert row["recipients"] == len(v), row["variant_id"]
        assert row["converters"] == sum(m["converted"] for m in v), row["variant_id"]
        if row["is_control_variant"] or not v or not cv:
            assert row["conversion_rate_p_value"] is None or not row["is_control_variant"]
            continue
        x1, x0 = sum(m["converted"] for m in v), sum(m["converted"] for m in cv)
        if x1 + x0 not in (0, len(v) + len(cv)):
            _, p = proportions_ztest([x1, x0], [len(v), len(cv)])
            assert close(row["conversion_rate_p_value"], p), row["variant_id"]
            p_by_campaign[row["campaign_id"]].append((row["variant_id"], p, row["conversion_rate_p_value_adjusted"]))
        lo, hi = confint_proportions_2indep(x1, len(v), x0, len(cv), method="newcomb", compare="diff")
        assert close(row["conversion_rate_ci_low"], lo) and close(row["conversion_rate_ci_high"], hi)
    for campaign, ps in p_by_campaign.items():
        adjusted = multipletests([p for _, p, _ in ps], method="fdr_bh")[1]
        for (_, _, published_adjusted), expected in zip(ps, adjusted, strict=True):
            assert close(published_adjusted, expected), campaign
    assert any(not r["is_control_variant"] and r["conversion_rate_p_value"] is not None for r in published)


def test_calibration_credits_are_the_marts(tiny):
    published = rows(tiny, "select * from reporting.rpt_attribution_calibration")
    spans = {r["campaign_id"]: r for r in rows(tiny, "select * from reporting.rpt_incrementality")}
    models = settings.project_vars()["attribution_models"]
    assert {r["attribution_model"] for r in published} == set(models)
    for model in models:
        credits = rows(tiny, f"select campaign_id, channel, converted_at, credit from attribution.attribution_{model}")
        for row in (r for r in published if r["attribution_model"] == model):
            span = spans[row["campaign_id"]]
            if row["is_global_holdout"]:
                expected = sum(c["credit"] for c in credits if c["channel"] == "sms"
                               and span["measured_from"] <= c["converted_at"] <= span["measured_until"])
            else:
                expected = sum(c["credit"] for c in credits if c["campaign_id"] == row["campaign_id"]
                               and span["measured_from"] <= c["converted_at"] < span["measured_until"])
            assert close(row["attributed_conversions"], expected), (model, row["campaign_id"])
            assert close(row["incremental_conversions"], span["incremental_conversions"])
