"""sms_attribution.experiments.stats, each expected value computed another way:

- agreement with statsmodels (and scipy) on many random cases, edge cases included:
  the pooled z-test, Newcombe's and Wald's intervals of a difference, Katz's of a
  ratio, Welch's t-test and interval on raw per-recipient arrays, the quasi-Poisson
  GLM, Benjamini-Hochberg, the power of a two-proportion test;
- examples worked by hand in the comments;
- coverage and size by simulation: do the 95% intervals contain the truth in 95% of
  simulated holdout experiments, does a test at 5% reject a true null 5% of the time,
  does the MDE have its 80% power.

statsmodels is imported module by module: `statsmodels.api` fails to import against
scipy 1.17 (statsmodels 0.14.4 imports a private scipy helper that is gone).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import optimize, stats as st
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    power_proportions_2indep,
    proportions_ztest,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttest_ind

from sms_attribution.experiments import stats as S

Z95 = st.norm.isf(0.025)


def close(actual, expected, tol=1e-6) -> bool:
    """Equal to within tol, absolute below 1 and relative above."""
    actual, expected = float(actual), float(expected)
    return abs(actual - expected) <= tol * max(1.0, abs(expected))


def assert_nan(result: dict, keys) -> None:
    for key in keys:
        assert np.isnan(result[key]).all(), (key, result[key])


# --- agreement with statsmodels ----------------------------------------------------

def proportion_cases(seed: int, k: int = 400):
    """(x1, n1, x0, n0): n up to 50,000, rates up to 0.2, and the edges (no trials,
    tiny groups, no successes, all successes)."""
    rng = np.random.default_rng(seed)
    n1 = rng.integers(0, 50_001, k)
    n0 = rng.integers(0, 50_001, k)
    for n in (n1, n0):
        small = rng.random(k) < 0.25
        n[small] = rng.integers(1, 40, small.sum())
    n1[:10], n0[10:20] = 0, 0
    x1 = rng.binomial(n1, rng.uniform(0, 0.2, k))
    x0 = rng.binomial(n0, rng.uniform(0, 0.2, k))
    x0[20:40] = 0
    x1[40:50] = 0
    x0[40:45] = 0
    x1[50:55], x0[55:60] = n1[50:55], n0[55:60]
    return x1, n1, x0, n0


@pytest.mark.parametrize("seed", [1, 2])
def test_two_proportion_test_agrees_with_statsmodels(seed):
    x1, n1, x0, n0 = proportion_cases(seed)
    newcombe = S.two_proportion_test(x1, n1, x0, n0)
    wald = S.two_proportion_test(x1, n1, x0, n0, method="wald")
    compared = {"z": 0, "newcombe": 0, "katz": 0}
    for i in range(len(x1)):
        a, b, c, d = int(x1[i]), int(n1[i]), int(x0[i]), int(n0[i])
        if b == 0 or d == 0:
            own_rate = "rate_0" if b == 0 else "rate_1"  # the other group's rate is still a rate
            assert_nan({k: v[i] for k, v in newcombe.items()}, [k for k in newcombe if k != own_rate])
            continue
        assert close(newcombe["abs_diff"][i], a / b - c / d)
        if c + a in (0, b + d):  # pooled variance 0: no z-test
            assert np.isnan(newcombe["z"][i]) and np.isnan(newcombe["p_value"][i])
        else:
            z, p = proportions_ztest([a, c], [b, d])
            assert close(newcombe["z"][i], z) and close(newcombe["p_value"][i], p)
            compared["z"] += 1
        for result, method in ((newcombe, "newcomb"), (wald, "wald")):
            low, high = confint_proportions_2indep(a, b, c, d, method=method, compare="diff")
            assert close(result["ci_low"][i], low) and close(result["ci_high"][i], high), (i, method)
        compared["newcombe"] += 1
        if a == 0 or c == 0:
            assert np.isnan(newcombe["rel_ci_low"][i]) and np.isnan(newcombe["rel_ci_high"][i])
            assert np.isnan(newcombe["rel_diff"][i]) == (c == 0)
        else:
            low, high = confint_proportions_2indep(a, b, c, d, method="log", compare="ratio")
            assert close(newcombe["rel_diff"][i], (a / b) / (c / d) - 1)
            assert close(newcombe["rel_ci_low"][i], low - 1) and close(newcombe["rel_ci_high"][i], high - 1)
            compared["katz"] += 1
    assert min(compared.values()) > 250, compared


def revenue_sample(rng, n: int, kind: str) -> np.ndarray:
    if kind == "normal":
        return rng.normal(40.0, 12.0, n)
    if kind == "zero_inflated":
        return rng.binomial(1, rng.uniform(0.01, 0.2), n) * rng.lognormal(4.0, 1.0, n)
    if kind == "poisson":
        return rng.poisson(3.0, n).astype(float)
    return np.full(n, 25.0)  # constant: no variance


def summaries(values: np.ndarray) -> tuple[int, float, float]:
    return len(values), float(values.sum()), float((values**2).sum())


def test_welch_test_agrees_with_statsmodels_on_raw_arrays():
    rng = np.random.default_rng(3)
    kinds = ["normal", "zero_inflated", "poisson", "constant"]
    checked = 0
    for i in range(160):
        n1, n0 = (int(v) for v in np.exp(rng.uniform(np.log(2), np.log(50_000), 2)).round())
        if i < 8:
            n1 = 1  # too few for a variance
        k1, k0 = kinds[rng.integers(0, 3)], kinds[rng.integers(0, 3)]
        if 8 <= i < 14:
            k1 = k0 = "constant"
        elif 14 <= i < 20:
            k0 = "constant"
        y1, y0 = revenue_sample(rng, n1, k1), revenue_sample(rng, n0, k0)
        r = S.welch_test(*summaries(y1), *summaries(y0))
        r = {k: v[0] for k, v in r.items()}
        assert close(r["mean_1"], y1.mean()) and close(r["mean_0"], y0.mean())
        assert close(r["abs_diff"], y1.mean() - y0.mean())
        if n1 < 2 or y1.var() + y0.var() == 0:
            assert_nan(r, ["t", "df", "p_value", "ci_low", "ci_high", "rel_ci_low", "rel_ci_high"])
            continue
        t, p, df = ttest_ind(y1, y0, usevar="unequal")
        low, high = CompareMeans(DescrStatsW(y1), DescrStatsW(y0)).tconfint_diff(usevar="unequal")
        assert close(r["t"], t) and close(r["p_value"], p) and close(r["df"], df), i
        assert close(r["ci_low"], low) and close(r["ci_high"], high), i
        if y1.mean() > 0 and y0.mean() > 0:
            # delta method from the raw arrays: Var log m = Var m / m^2
            se = math.sqrt(y1.var(ddof=1) / n1 / y1.mean() ** 2 + y0.var(ddof=1) / n0 / y0.mean() ** 2)
            ratio = y1.mean() / y0.mean()
            assert close(r["rel_ci_low"], ratio * math.exp(-Z95 * se) - 1)
            assert close(r["rel_ci_high"], ratio * math.exp(Z95 * se) - 1)
        checked += 1
    assert checked > 120


def score_root(m: float, n: int, phi: float, c: float, side: str) -> float:
    """A root of (m - mu)^2 = c^2 phi mu / n, found numerically."""
    f = lambda mu: (m - mu) ** 2 - c * c * phi * mu / n  # noqa: E731
    if side == "low":
        return 0.0 if m == 0 else optimize.brentq(f, 0.0, m, xtol=1e-14, rtol=1e-14)
    start = m if m > 0 else c * c * phi / n / 2  # f < 0 there, f(0) = 0 is the other root
    return optimize.brentq(f, start, m + 10 * (m + c * c * phi / n), xtol=1e-14, rtol=1e-14)


def test_quasi_poisson_test_agrees_with_the_glm():
    rng = np.random.default_rng(4)
    checked = 0
    for i in range(30):
        n1, n0 = (int(v) for v in np.exp(rng.uniform(np.log(20), np.log(50_000), 2)).round())
        y1 = rng.binomial(1, rng.uniform(0.01, 0.2), n1) * rng.lognormal(4.0, 1.0, n1)
        y0 = rng.binomial(1, rng.uniform(0.01, 0.2), n0) * rng.lognormal(4.0, 1.0, n0)
        if i < 4:
            y0[:] = 0.0  # a holdout without revenue
        r = {k: v[0] for k, v in S.quasi_poisson_test(*summaries(y1), *summaries(y0)).items()}
        phi = (((y1 - y1.mean()) ** 2).sum() + ((y0 - y0.mean()) ** 2).sum()) / (
            (n1 - 1) * y1.mean() + (n0 - 1) * y0.mean())
        df = n1 + n0 - 2
        c = st.t.isf(0.025, df)
        assert close(r["dispersion"], phi) and r["df"] == df
        y = np.r_[y1, y0]
        X = np.column_stack([np.ones(n1 + n0), np.r_[np.ones(n1), np.zeros(n0)]])
        model = GLM(y, X, family=families.Poisson())
        # score test of the group coefficient at the null fit (both means the pooled mean)
        at_null = np.array([math.log(y.mean()), 0.0])
        u = model.score(at_null)
        info = -model.hessian(at_null, observed=False)
        assert close(abs(r["t"]), math.sqrt(u @ np.linalg.solve(info, u) / phi))
        assert np.sign(r["t"]) == np.sign(y1.mean() - y0.mean())
        assert close(r["p_value"], 2 * st.t.sf(abs(r["t"]), df))
        # MOVER from the two score intervals
        e1, e0 = y1.mean(), y0.mean()
        l1, u1 = score_root(e1, n1, phi, c, "low"), score_root(e1, n1, phi, c, "high")
        l0, u0 = score_root(e0, n0, phi, c, "low"), score_root(e0, n0, phi, c, "high")
        assert close(r["ci_low"], e1 - e0 - math.hypot(e1 - l1, u0 - e0), 1e-6)
        assert close(r["ci_high"], e1 - e0 + math.hypot(u1 - e1, e0 - l0), 1e-6)
        if e0 == 0:
            assert np.isnan(r["rel_ci_low"]) and np.isnan(r["rel_diff"])
            continue
        fit = model.fit(scale=phi, use_t=True, tol=1e-13, maxiter=200)
        low, high = np.expm1(fit.conf_int()[1])
        assert close(r["rel_ci_low"], low) and close(r["rel_ci_high"], high), i
        checked += 1
    assert checked >= 25


def test_benjamini_hochberg_agrees_with_statsmodels_per_group():
    rng = np.random.default_rng(5)
    k = 300
    groups = [None if g == 0 else f"campaign_{g}" for g in rng.integers(0, 15, k)]
    p = rng.beta(0.4, 1.0, k)
    p[rng.random(k) < 0.1] = np.nan
    p[:5] = p[5]  # ties
    adjusted = S.benjamini_hochberg(p, groups)
    group_array = np.array(groups, dtype=object)
    for g in set(groups):
        idx = np.flatnonzero((group_array == g) & ~np.isnan(p))
        expected = multipletests(p[idx], method="fdr_bh")[1]
        np.testing.assert_allclose(adjusted[idx], expected, rtol=1e-12, atol=1e-12)
    assert np.array_equal(np.isnan(adjusted), np.isnan(p))
    # no groups: one family
    valid = ~np.isnan(p)
    expected = np.full(k, np.nan)
    expected[valid] = multipletests(p[valid], method="fdr_bh")[1]
    np.testing.assert_allclose(S.benjamini_hochberg(p), expected, rtol=1e-12, atol=1e-12)


def test_proportion_mde_has_its_power_by_statsmodels_and_by_simulation():
    rng = np.random.default_rng(6)
    n1 = rng.integers(100, 200_000, 60)
    n0 = np.maximum((n1 * rng.uniform(0.05, 1.0, 60)).astype(int), 20)
    p0 = rng.uniform(0.005, 0.2, 60)
    mde = S.proportion_mde(n1, n0, p0)
    for a, b, p, d in zip(n1, n0, p0, mde):
        # statsmodels' power of the pooled z-test (null variance pooled, alternative's
        # not): one tail at alpha/2 is exactly 80%; both tails add the far tail's sliver
        one = power_proportions_2indep(d, p, a, ratio=b / a, alpha=0.025, alternative="larger").power
        two = power_proportions_2indep(d, p, a, ratio=b / a, alpha=0.05).power
        assert close(one, 0.8, 1e-9) and 0.8 <= two < 0.8 + 1e-5
    # the power by simulating the test itself, at a holdout's sizes
    for a, b, p in [(4000, 4000, 0.04), (20_000, 2000, 0.03), (50_000, 5000, 0.02)]:
        d = S.proportion_mde(a, b, p)[0]
        x1, x0 = rng.binomial(a, p + d, 20_000), rng.binomial(b, p, 20_000)
        power = np.mean(S.two_proportion_test(x1, a, x0, b)["p_value"] < 0.05)
        # the shortcut with the control's variance for both groups names a smaller lift,
        # which the same test detects much less often than 80%
        short = (st.norm.isf(0.025) + st.norm.ppf(0.8)) * math.sqrt(p * (1 - p) * (1 / a + 1 / b))
        x1 = rng.binomial(a, p + short, 20_000)
        short_power = np.mean(S.two_proportion_test(x1, a, x0, b)["p_value"] < 0.05)
        print(f"simulated power at the MDE, {a} vs {b} at {p}: {power:.3f} "
              f"(at the shortcut's {short:.5f} instead of {d:.5f}: {short_power:.3f})")
        assert abs(power - 0.8) < 0.015
        assert short_power < 0.77


def test_mean_mde_agrees_with_normal_ind_power():
    rng = np.random.default_rng(7)
    n1 = rng.integers(10, 100_000, 40)
    n0 = rng.integers(10, 100_000, 40)
    var = rng.uniform(1, 5000, 40)
    var1 = var * rng.uniform(0.5, 2, 40)
    mde = S.mean_mde(n1, n0, var1, var)
    k = st.norm.isf(0.025) + st.norm.ppf(0.8)
    np.testing.assert_allclose(mde, k * np.sqrt(var1 / n1 + var / n0), rtol=1e-12)
    equal = S.mean_mde(n1, n0, var, var)
    for a, b, v, d in zip(n1, n0, var, equal):
        # statsmodels' power at the MDE (standardised by the common sd): one tail at
        # alpha/2 is 80% exactly; and its solver's effect size, to its tolerance
        power = NormalIndPower().power(d / math.sqrt(v), nobs1=a, alpha=0.025, ratio=b / a,
                                       alternative="larger")
        assert close(power, 0.8, 1e-9)
        effect = NormalIndPower().solve_power(None, nobs1=a, alpha=0.05, power=0.8, ratio=b / a)
        assert abs(d / (effect * math.sqrt(v)) - 1) < 1e-3  # the solver stops near 1e-4


# --- worked by hand ----------------------------------------------------------------

def test_two_proportions_by_hand():
    # variant 60 of 500 convert (12%), control 40 of 500 (8%).
    # pooled p = 100 / 1000 = 0.1; pooled SE = sqrt(0.1 * 0.9 * (1/500 + 1/500))
    #   = sqrt(0.09 * 0.004) = sqrt(0.00036) = 0.0189737; z = 0.04 / 0.0189737 = 2.10819,
    #   p = 2 (1 - Phi(2.10819)) = 0.03502.
    # Wald: SE = sqrt(0.12 * 0.88 / 500 + 0.08 * 0.92 / 500) = sqrt(0.0003584) = 0.0189315,
    #   CI = 0.04 -+ 1.959964 * 0.0189315 = [0.002895, 0.077105].
    # Katz: ratio 1.5, SE(log) = sqrt(1/60 - 1/500 + 1/40 - 1/500) = sqrt(0.0376667) = 0.194079,
    #   ratio CI = 1.5 exp(-+1.959964 * 0.194079) = [1.02540, 2.19425], so rel [0.02540, 1.19425].
    # Newcombe: Wilson's interval of x/n is
    #   (r + z^2/2n) / (1 + z^2/n) -+ z / (1 + z^2/n) sqrt(r (1 - r) / n + z^2 / 4n^2), z^2 = 3.841459:
    #   60/500: centre 0.1238415 / 1.0076829 = 0.1228973,
    #           half 1.9450212 * sqrt(0.0002112 + 0.0000038415) = 0.0285223 -> [0.0943749, 0.1514196];
    #   40/500: centre 0.0838415 / 1.0076829 = 0.0832022,
    #           half 1.9450212 * sqrt(0.0001472 + 0.0000038415) = 0.0239041 -> [0.0592981, 0.1071063].
    #   low = 0.04 - sqrt((0.12 - 0.0943749)^2 + (0.1071063 - 0.08)^2) = 0.04 - 0.0373015 = 0.0026985,
    #   high = 0.04 + sqrt((0.1514196 - 0.12)^2 + (0.08 - 0.0592981)^2) = 0.04 + 0.0376266 = 0.0776266.
    r = {k: v[0] for k, v in S.two_proportion_test(60, 500, 40, 500).items()}
    w = {k: v[0] for k, v in S.two_proportion_test(60, 500, 40, 500, method="wald").items()}
    assert close(r["rate_1"], 0.12) and close(r["rate_0"], 0.08)
    assert close(r["abs_diff"], 0.04) and close(r["rel_diff"], 0.5)
    assert close(r["z"], 0.04 / math.sqrt(0.00036), 1e-9)
    assert close(r["z"], 2.10819, 1e-5) and close(r["p_value"], 0.03502, 1e-4)
    assert close(w["ci_low"], 0.04 - Z95 * math.sqrt(0.0003584), 1e-9)
    assert close(w["ci_low"], 0.002895, 1e-5) and close(w["ci_high"], 0.077105, 1e-5)
    assert close(r["rel_ci_low"], 0.02540, 1e-4) and close(r["rel_ci_high"], 1.19425, 1e-4)
    assert close(r["ci_low"], 0.0026985, 1e-6) and close(r["ci_high"], 0.0776266, 1e-6)


def test_welch_by_hand():
    # variant: 2, 4, 6, 8, 10 (n 5, sum 30, sum of squares 220): mean 6,
    #   variance (16 + 4 + 0 + 4 + 16) / 4 = 10.
    # control: 1, 2, 3 three times (n 9, sum 18, sum of squares 42): mean 2,
    #   variance 3 * (1 + 0 + 1) / 8 = 0.75.
    # SE^2 = 10/5 + 0.75/9 = 2.083333, SE = 1.443376, t = 4 / 1.443376 = 2.771281.
    # df = 2.083333^2 / ((10/5)^2 / 4 + (0.75/9)^2 / 8) = 4.340278 / 1.000868 = 4.336513.
    # CI = 4 -+ t_{0.975, 4.3365} * 1.443376; rel: ratio 3, SE(log) =
    #   sqrt(10 / (5 * 36) + 0.75 / (9 * 4)) = sqrt(0.055556 + 0.020833) = 0.276385.
    y1 = [2, 4, 6, 8, 10]
    y0 = [1, 2, 3] * 3
    r = {k: v[0] for k, v in S.welch_test(5, 30, 220, 9, 18, 42).items()}
    assert close(r["mean_1"], 6) and close(r["mean_0"], 2) and close(r["rel_diff"], 2)
    assert close(r["t"], 2.771281, 1e-6) and close(r["df"], 4.336513, 1e-6)
    se, df = math.sqrt(2 + 0.75 / 9), (2 + 0.75 / 9) ** 2 / (2**2 / 4 + (0.75 / 9) ** 2 / 8)
    assert close(r["t"], 4 / se, 1e-12) and close(r["df"], df, 1e-12)
    assert close(r["p_value"], 2 * st.t.sf(4 / se, df), 1e-9)
    half = st.t.isf(0.025, df) * se
    assert close(r["ci_low"], 4 - half, 1e-9) and close(r["ci_high"], 4 + half, 1e-9)
    assert close(r["rel_ci_low"], 3 * math.exp(-Z95 * 0.276385) - 1, 1e-5)
    assert close(r["rel_ci_high"], 3 * math.exp(Z95 * 0.276385) - 1, 1e-5)
    # the same, by scipy's Welch on the values themselves
    ref = st.ttest_ind(y1, y0, equal_var=False)
    assert close(r["t"], ref.statistic) and close(r["p_value"], ref.pvalue)

    # quasi-Poisson on the same data: SS = 40 and 6, so dispersion = (40 + 6) /
    #   (4 * 6 + 8 * 2) = 46 / 40 = 1.15; pooled mean 48 / 14 = 3.428571;
    #   t = 4 / sqrt(1.15 * 3.428571 * (1/5 + 1/9)) = 4 / sqrt(1.226667) = 3.611575, df 12.
    q = {k: v[0] for k, v in S.quasi_poisson_test(5, 30, 220, 9, 18, 42).items()}
    assert close(q["dispersion"], 1.15, 1e-9) and q["df"] == 12
    assert close(q["t"], 3.611575, 1e-6) and close(q["p_value"], 2 * st.t.sf(3.611575, 12), 1e-6)


def test_control_without_conversions():
    # 12 of 400 treated convert, none of 40 held out: the lift (3 points) and its interval
    # are defined, the relative lift is not (a ratio to zero).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = {k: v[0] for k, v in S.incrementality(12, 400, 0, 40).items()}
        w = {k: v[0] for k, v in S.incrementality(12, 400, 0, 40, method="wald").items()}
    assert close(r["abs_lift"], 0.03) and close(r["incremental_conversions"], 12)
    assert r["abs_lift_ci_low"] < 0 < 0.03 < r["abs_lift_ci_high"]  # 0 of 40 is weak evidence
    # Wald's interval has no variance from the control at all: 0.03 -+ 1.96 sqrt(0.03 * 0.97 / 400)
    assert close(w["abs_lift_ci_low"], 0.03 - Z95 * math.sqrt(0.03 * 0.97 / 400), 1e-9)
    # pooled p = 12 / 440; z = 0.03 / sqrt(p (1 - p) (1/400 + 1/40))
    pooled = 12 / 440
    assert close(r["z"], 0.03 / math.sqrt(pooled * (1 - pooled) * (1 / 400 + 1 / 40)), 1e-9)
    assert close(r["incremental_conversions_ci_high"], 400 * r["abs_lift_ci_high"], 1e-12)
    assert_nan(r, ["rel_lift", "rel_lift_ci_low", "rel_lift_ci_high"])


def test_zero_recipients_give_nan_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = S.two_proportion_test([0, 5, 0], [0, 100, 0], [3, 0, 0], [50, 0, 0])
        w = S.welch_test([0, 1, 10], [0, 5, 50], [0, 25, 250], [30, 30, 10], [60, 60, 50], [200, 200, 250])
        q = S.quasi_poisson_test([0, 10], [0, 0], [0, 0], [30, 10], [60, 0], [200, 0])
        i = S.incrementality(0, 0, 3, 50)
        m = S.incrementality_mean(0, 0, 0, 30, 60, 200)
        mw = S.incrementality_mean(0, 0, 0, 30, 60, 200, method="welch")
        mde = S.proportion_mde([0, 100, 100], [100, 0, 100], [0.05, 0.05, np.nan])
        mm = S.mean_mde([0, 10], [10, 0], [1, 1], [1, 1])
        bh = S.benjamini_hochberg([np.nan, np.nan], ["a", "b"])
    # a variant without recipients: everything about the comparison is NaN; only the
    # control's own rate (3 of 50) is a number
    assert close(p["rate_0"][0], 0.06)
    assert_nan({k: v[0] for k, v in p.items()}, [k for k in p if k != "rate_0"])
    assert_nan({k: v[1] for k, v in p.items()}, [k for k in p if k != "rate_1"])
    assert_nan({k: v[2] for k, v in p.items()}, list(p))
    assert_nan({k: v[0] for k, v in w.items()}, [k for k in w if k != "mean_0"])
    # one recipient: a mean, no variance, so no statistics
    assert close(w["mean_1"][1], 5) and np.isnan(w["t"][1]) and np.isnan(w["ci_low"][1])
    # two groups of constants: no variance, no t
    assert close(w["abs_diff"][2], 0) and np.isnan(w["t"][2]) and np.isnan(w["p_value"][2])
    assert_nan({k: v[0] for k, v in q.items()}, [k for k in q if k != "mean_0"])
    assert close(q["abs_diff"][1], 0) and np.isnan(q["t"][1])  # no revenue at all
    assert_nan(i, [k for k in i if k != "rate_control"])
    for result in (m, mw):
        assert_nan(result, [k for k in result if k != "rpr_control"])
    assert np.isnan(mde).all() and np.isnan(mm).all() and np.isnan(bh).all()


def test_impossible_input_raises():
    with pytest.raises(ValueError):
        S.two_proportion_test(5, 4, 1, 10)
    with pytest.raises(ValueError):
        S.two_proportion_test(-1, 4, 1, 10)
    with pytest.raises(ValueError):
        S.welch_test(-1, 0, 0, 5, 1, 1)
    with pytest.raises(ValueError):
        S.benjamini_hochberg([0.5, 1.2])


def test_benjamini_hochberg_by_hand():
    # m = 4. Ascending: 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4).
    # p * m / rank: 0.005*4/1 = 0.02, 0.01*4/2 = 0.02, 0.03*4/3 = 0.04, 0.04*4/4 = 0.04;
    # the running minimum from the top leaves them so. In the input's order:
    # 0.01 -> 0.02, 0.04 -> 0.04, 0.03 -> 0.04, 0.005 -> 0.02.
    # A second campaign of one comparison keeps its p; a NaN stays NaN and does not count.
    p = [0.01, 0.04, 0.03, 0.005, 0.2, np.nan]
    g = ["a", "a", "a", "a", "b", "a"]
    np.testing.assert_allclose(S.benjamini_hochberg(p, g), [0.02, 0.04, 0.04, 0.02, 0.2, np.nan])
    # step-up: 0.02 * 2/1 = 0.04 is beaten by 0.03 * 2/2 = 0.03 above it
    np.testing.assert_allclose(S.benjamini_hochberg([0.02, 0.03]), [0.03, 0.03])
    # capped at 1: 0.9 * 2/1 = 1.8
    np.testing.assert_allclose(S.benjamini_hochberg([0.9, 0.95]), [0.95, 0.95])


# --- coverage and size by simulation -----------------------------------------------

K_SIM = 4000


def holdouts(seed: int, lift: bool = True):
    """K_SIM holdout experiments: n_t log-uniform in 200..20,000 (the small ones, where
    the approximations are tested hardest, as often as the large), n_c 10% of n_t,
    control rate 1.5%..6%, relative lift 0..90% (or none)."""
    rng = np.random.default_rng(seed)
    n_t = np.exp(rng.uniform(np.log(200), np.log(20_000), K_SIM)).round().astype(int)
    n_c = (0.1 * n_t).round().astype(int)
    p_c = rng.uniform(0.015, 0.06, K_SIM)
    rel = rng.uniform(0.0, 0.9, K_SIM) if lift else np.zeros(K_SIM)
    return rng, n_t, n_c, p_c, p_c * (1 + rel)


def coverage(low, high, truth):
    defined = ~np.isnan(low)
    inside = (low <= truth) & (truth <= high)
    return inside[defined].mean(), defined.mean()


def test_conversion_intervals_cover_the_true_lift():
    rng, n_t, n_c, p_c, p_t = holdouts(11)
    x_t, x_c = rng.binomial(n_t, p_t), rng.binomial(n_c, p_c)
    r = S.incrementality(x_t, n_t, x_c, n_c)
    wald = S.incrementality(x_t, n_t, x_c, n_c, method="wald")
    abs_cov, abs_def = coverage(r["abs_lift_ci_low"], r["abs_lift_ci_high"], p_t - p_c)
    rel_cov, rel_def = coverage(r["rel_lift_ci_low"], r["rel_lift_ci_high"], p_t / p_c - 1)
    wald_cov, _ = coverage(wald["abs_lift_ci_low"], wald["abs_lift_ci_high"], p_t - p_c)
    inc_cov, _ = coverage(r["incremental_conversions_ci_low"], r["incremental_conversions_ci_high"],
                          (p_t - p_c) * n_t)
    print(f"\nconversions, {K_SIM} holdouts: abs lift (Newcombe) {abs_cov:.4f} of {abs_def:.0%} defined, "
          f"rel lift (Katz) {rel_cov:.4f} of {rel_def:.0%} defined, Wald's abs {wald_cov:.4f}")
    assert abs(abs_cov - 0.95) <= 0.015 and abs_def == 1
    assert abs(rel_cov - 0.95) <= 0.015 and rel_def > 0.85
    assert inc_cov == abs_cov
    assert wald_cov < 0.935  # why the default is not Wald's


def test_conversion_test_size():
    rng, n_t, n_c, p_c, _ = holdouts(12, lift=False)
    r = S.incrementality(rng.binomial(n_t, p_c), n_t, rng.binomial(n_c, p_c), n_c)
    size = np.mean(r["p_value"][~np.isnan(r["p_value"])] < 0.05)
    print(f"\nconversions, no lift: the z-test rejects {size:.4f} at 5%")
    assert abs(size - 0.05) <= 0.015


def revenue(rng, n, p, sigma):
    """Each group's (n, sum, sum of squares) of zero-inflated lognormal revenue: each
    recipient orders with probability p, an order is lognormal (median $60)."""
    orders = rng.binomial(n, p)
    values = rng.lognormal(math.log(60), sigma, orders.sum())
    row = np.repeat(np.arange(len(n)), orders)
    return n, np.bincount(row, values, len(n)), np.bincount(row, values**2, len(n))


@pytest.mark.parametrize("sigma", [0.8, 1.0])
def test_revenue_intervals_cover_the_true_lift(sigma):
    # order values' coefficient of variation: 0.95 at sigma 0.8, 1.31 at sigma 1.0
    rng, n_t, n_c, p_c, p_t = holdouts(13)
    t, c = revenue(rng, n_t, p_t, sigma), revenue(rng, n_c, p_c, sigma)
    order_mean = 60 * math.exp(sigma**2 / 2)
    true_abs, true_rel = (p_t - p_c) * order_mean, p_t / p_c - 1
    r = S.incrementality_mean(*t, *c)
    w = S.incrementality_mean(*t, *c, method="welch")
    abs_cov, abs_def = coverage(r["rpr_abs_lift_ci_low"], r["rpr_abs_lift_ci_high"], true_abs)
    rel_cov, rel_def = coverage(r["rpr_rel_lift_ci_low"], r["rpr_rel_lift_ci_high"], true_rel)
    w_abs, _ = coverage(w["rpr_abs_lift_ci_low"], w["rpr_abs_lift_ci_high"], true_abs)
    w_rel, _ = coverage(w["rpr_rel_lift_ci_low"], w["rpr_rel_lift_ci_high"], true_rel)
    inc_cov, _ = coverage(r["incremental_revenue_ci_low"], r["incremental_revenue_ci_high"], true_abs * n_t)
    print(f"\nrevenue (sigma {sigma}), {K_SIM} holdouts: quasi-Poisson abs {abs_cov:.4f} of {abs_def:.0%} "
          f"defined, rel {rel_cov:.4f} of {rel_def:.0%} defined; Welch abs {w_abs:.4f}, rel {w_rel:.4f}")
    assert abs(abs_cov - 0.95) <= 0.015 and abs_def > 0.99
    assert abs(rel_cov - 0.95) <= 0.015 and rel_def > 0.85
    assert inc_cov == abs_cov
    assert w_abs < 0.935  # why the default is not Welch's


def test_revenue_test_size():
    rng, n_t, n_c, p_c, _ = holdouts(14, lift=False)
    t, c = revenue(rng, n_t, p_c, 1.0), revenue(rng, n_c, p_c, 1.0)
    qp = S.incrementality_mean(*t, *c)["rpr_p_value"]
    welch = S.incrementality_mean(*t, *c, method="welch")["rpr_p_value"]
    size, welch_size = (np.mean(v[~np.isnan(v)] < 0.05) for v in (qp, welch))
    print(f"\nrevenue, no lift: quasi-Poisson rejects {size:.4f} at 5%, Welch {welch_size:.4f}")
    assert abs(size - 0.05) <= 0.015
