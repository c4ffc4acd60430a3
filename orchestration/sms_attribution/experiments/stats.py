"""The statistics of the experiment results: A/B variants against their control and
a treated audience against its holdout.

Every function is vectorised: each argument is a number or a 1-D sequence (one row
per comparison, broadcast against the others) and the result is a dict of float64
arrays, one per column of the published table (``benjamini_hochberg`` and the MDEs
return one array). A value that is undefined for a row (a group without recipients,
a zero rate in a denominator, no variance) is NaN, which the table publishes as
null; nothing raises or warns on zero counts, zero variance or zero recipients.
Impossible input (a negative count, more successes than trials, an alpha outside
(0, 1)) raises ValueError: it is a bug upstream, not a null. Tests and intervals are
two-sided; ``z = Phi^-1(1 - alpha/2)`` below.

Proportions (``two_proportion_test``, ``incrementality``): x successes of n trials,
group 1 the variant or treatment, group 0 the control or holdout.

    r_i       = x_i / n_i,   abs_diff = r_1 - r_0,   rel_diff = r_1 / r_0 - 1
    z stat    = (r_1 - r_0) / sqrt(p (1 - p) (1/n_1 + 1/n_0)),  p = (x_1 + x_0) / (n_1 + n_0)
    p_value   = 2 (1 - Phi(|z stat|))
    abs CI    = Newcombe's hybrid score interval (his method 10): with (l_i, u_i) the
                Wilson score interval of r_i,
                [abs_diff - sqrt((r_1 - l_1)^2 + (u_0 - r_0)^2),
                 abs_diff + sqrt((u_1 - r_1)^2 + (r_0 - l_0)^2)]
                (method="wald": abs_diff -+ z sqrt(r_1 (1 - r_1)/n_1 + r_0 (1 - r_0)/n_0))
    rel CI    = exp(log(r_1 / r_0) -+ z sqrt(1/x_1 - 1/n_1 + 1/x_0 - 1/n_0)) - 1   (Katz)

Why Newcombe and not Wald: a holdout is small (10% of the audience) and converts at
a few percent, so its count of converters is often in single figures, where Wald's
interval, whose width is estimated from that count, is too narrow: on the 4,000
simulated holdouts of tests/python/test_experiment_stats.py its 95% interval covered
the true lift in 88.5% of them (about 80% of those with under 100 held out);
Newcombe's covers 95.5% (94.9-96.1% over ten other seeds), and it is defined when a
group has no conversions. Katz's relative interval covers 95.3% (95.2-96.3%) of
those where it is defined (91%: no zero count). The test pools the variance (under
the null the two rates are one rate); it rejected a true null in 4.3% (4.0-5.6%) of
simulated holdouts at alpha = 0.05.

Revenue per recipient, each group summarised by n (recipients), s (the sum of their
revenue) and q (the sum of its squares); m_i = s_i / n_i.

``welch_test``, Welch's unequal-variance t-test, for values that are not
zero-inflated or for large groups:

    v_i       = max((q_i - s_i^2 / n_i) / (n_i - 1), 0),   se^2 = v_1 / n_1 + v_0 / n_0
    df        = se^4 / ((v_1/n_1)^2 / (n_1 - 1) + (v_0/n_0)^2 / (n_0 - 1))   (Welch-Satterthwaite)
    t stat    = (m_1 - m_0) / se,   p_value = 2 (1 - T_df(|t stat|))
    abs CI    = m_1 - m_0 -+ T_df^-1(1 - alpha/2) se
    rel CI    = exp(log(m_1 / m_0) -+ z sqrt(v_1 / (n_1 m_1^2) + v_0 / (n_0 m_0^2))) - 1

``quasi_poisson_test``, the default for the holdout's revenue: revenue per recipient
is mostly zeros and a few skewed order values, and in a small holdout a handful of
orders. Welch estimates the holdout's variance from those few orders, and that
estimate is small exactly when the few orders are small (the mean and the variance
of a skewed sample rise and fall together), so its intervals are too narrow when the
holdout is too low: on the simulated holdouts (zero-inflated lognormal order values,
coefficient of variation 0.95 and 1.3) its 95% interval of the lift covered the truth
in 87% of them, its relative interval in 90-93%, and its test rejected a true null
16% of the time at alpha = 0.05. The quasi-Poisson (compound-Poisson)
variance Var(y) = phi E[y], with the dispersion phi pooled over both groups (mostly
from the treated group, ten times larger), does not borrow the holdout's own
variance:

    phi       = (SS_1 + SS_0) / ((n_1 - 1) m_1 + (n_0 - 1) m_0),   SS_i = q_i - s_i^2 / n_i
    df        = n_1 + n_0 - 2,   c = T_df^-1(1 - alpha/2)
    t stat    = (m_1 - m_0) / sqrt(phi m (1/n_1 + 1/n_0)),  m = (s_1 + s_0) / (n_1 + n_0)   (score test)
    abs CI    = MOVER (as Newcombe's above) from each mean's score interval, the roots
                mu of (m_i - mu)^2 = c^2 phi mu / n_i (defined when a group has no revenue)
    rel CI    = exp(log(m_1 / m_0) -+ c sqrt(phi (1/(n_1 m_1) + 1/(n_0 m_0)))) - 1
                (the Wald interval of the group's coefficient in a log-link quasi-Poisson
                GLM: the Katz interval's analogue)

On the same simulations its intervals cover 94.9-95.5% (93.9-95.3% over ten other
seeds; relative: 95.2-95.8%, 94.1-95.4%) and its test rejects a true null 5.3% of
the time (4.9-6.0%). Its misses are lopsided (in a side
simulation about 0.5% below the interval and 4.5% above: a mean of few skewed orders
is more often too low than too high, and two moments cannot see the skew). Its
assumption is one dispersion: the message changes how many buy more than the spread
of what they spend. In side simulations where it also moved the order values (a
discount cutting the average order by 20%, or narrowing their spread) the coverage
fell to 91-93%; Welch does not assume this, and covered 95% once the holdout had
about a hundred orders. Revenue must be non-negative per recipient (gross, or net of
refunds clipped at zero); a negative mean leaves the statistics NaN.

Both relative intervals are the delta method on the log of the ratio (for two
proportions, Katz's log method): the log ratio is much closer to normal than the
ratio, and the interval, mapped back, is asymmetric and never goes below -100%.

Multiple comparisons (``benjamini_hochberg``): the Benjamini-Hochberg step-up
adjustment within each family (e.g. the variants of one campaign).

Minimum detectable effects (``proportion_mde``, ``mean_mde``): the normal
approximation of the two-sided test at level alpha, ignoring its far tail (below
1e-6 at the defaults). The MDE of a proportion is the rise Delta of the rate that
the pooled z-test above detects with probability `power`, the root of

    Delta = Phi^-1(1 - alpha/2) sqrt(pbar (1 - pbar) (1/n_1 + 1/n_0))
          + Phi^-1(power) sqrt(p_1 (1 - p_1) / n_1 + p_0 (1 - p_0) / n_0),
    p_1 = p_0 + Delta,  pbar = (n_1 p_1 + n_0 p_0) / (n_1 + n_0)

(Fleiss's sample-size equation solved for the difference; NaN when not even p_1 = 1
is detectable). The shortcut (Phi^-1(1 - alpha/2) + Phi^-1(power)) sqrt(p_0 (1 - p_0)
(1/n_1 + 1/n_0)), which takes the control's variance for both groups, is optimistic
exactly where an MDE matters: at a holdout's size the lift it names is detected far
less often than `power` (simulated: 53% for 2,000 against 200 at 3%, 71% for 20,000
against 2,000 at 3%, 75% for 4,000 against 4,000 at 4%). The MDE of a mean is
(Phi^-1(1 - alpha/2) + Phi^-1(power)) sqrt(var_1/n_1 + var_0/n_0) for the variances
the caller assumes under the alternative.

The MDE is published beside each comparison, from its realised group sizes and its
control's rate (or the variances), as the smallest true difference that comparison
had a `power` chance of detecting: a reader's guard against taking "not
significant" for "no effect". It is not a power analysis of the observed effect.

Why here and not in SQL: the normal and t distribution functions and their inverses
are not SQL built-ins (neither DuckDB 1.5's nor Spark 3.5's function list has a
normal or t CDF, or erf), and approximating them in SQL would be ours to get right;
scipy's are exact to machine precision. The
warehouse supplies the counts, sums and sums of squares; this module turns them into
tests and intervals.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy import stats as _st

Array = np.ndarray
ArrayLike = float | Sequence[float] | np.ndarray

__all__ = [
    "benjamini_hochberg",
    "incrementality",
    "incrementality_mean",
    "mean_mde",
    "proportion_mde",
    "quasi_poisson_test",
    "two_proportion_test",
    "welch_test",
]

_NAN = np.nan
_ERR = {"divide": "ignore", "invalid": "ignore", "over": "ignore"}


def _arrays(*values: ArrayLike) -> list[Array]:
    """The arguments as float64 arrays of one broadcast 1-D shape (writable copies)."""
    arrays = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values]
    return [a.copy() for a in np.broadcast_arrays(*arrays)]


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")


def _z_crit(alpha: float) -> float:
    _check_alpha(alpha)
    return float(_st.norm.isf(alpha / 2))


def _check_counts(x: Array, n: Array, name: str) -> None:
    # NaN (a null upstream) compares False and passes through as NaN
    if np.any(n < 0) or np.any(x < 0):
        raise ValueError(f"{name}: negative count")
    if np.any(x > n):
        raise ValueError(f"{name}: more successes than trials")


def _wilson(x: Array, n: Array, z: float) -> tuple[Array, Array]:
    """Wilson's score interval of x / n (callers mask n == 0)."""
    r = x / n
    z2 = z * z
    centre = (x + z2 / 2) / (n + z2)
    half = z * np.sqrt(n) / (n + z2) * np.sqrt(np.clip(r * (1 - r), 0, None) + z2 / (4 * n))
    return centre - half, centre + half


def _mover(d: Array, e1: Array, l1: Array, u1: Array,
           e0: Array, l0: Array, u0: Array) -> tuple[Array, Array]:
    """MOVER (Zou & Donner): the interval of e1 - e0 = d from each estimate's own."""
    low = d - np.sqrt((e1 - l1) ** 2 + (u0 - e0) ** 2)
    high = d + np.sqrt((u1 - e1) ** 2 + (e0 - l0) ** 2)
    return low, high


def two_proportion_test(x1: ArrayLike, n1: ArrayLike, x0: ArrayLike, n0: ArrayLike,
                        alpha: float = 0.05, method: str = "newcombe") -> dict[str, Array]:
    """Variant (1) against control (0): x successes of n trials in each.

    Keys: rate_1, rate_0, abs_diff, rel_diff, z, p_value (pooled z-test), ci_low,
    ci_high (interval of abs_diff: Newcombe's hybrid score, or Wald's unpooled with
    method="wald"), rel_ci_low, rel_ci_high (Katz log interval of rel_diff).
    """
    if method not in ("newcombe", "wald"):
        raise ValueError(f"method must be 'newcombe' or 'wald', got {method!r}")
    zc = _z_crit(alpha)
    x1, n1, x0, n0 = _arrays(x1, n1, x0, n0)
    _check_counts(x1, n1, "group 1")
    _check_counts(x0, n0, "group 0")
    with np.errstate(**_ERR):
        both = (n1 > 0) & (n0 > 0)
        r1 = np.where(n1 > 0, x1 / n1, _NAN)
        r0 = np.where(n0 > 0, x0 / n0, _NAN)
        diff = r1 - r0
        rel = np.where(r0 > 0, r1 / r0 - 1, _NAN)

        pooled = (x1 + x0) / (n1 + n0)
        se_pooled = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
        ok_z = both & (se_pooled > 0)
        z = np.where(ok_z, diff / se_pooled, _NAN)
        p_value = np.where(ok_z, 2 * _st.norm.sf(np.abs(z)), _NAN)

        if method == "wald":
            se = np.sqrt(np.clip(r1 * (1 - r1) / n1 + r0 * (1 - r0) / n0, 0, None))
            low, high = diff - zc * se, diff + zc * se
        else:
            l1, u1 = _wilson(x1, n1, zc)
            l0, u0 = _wilson(x0, n0, zc)
            low, high = _mover(diff, r1, l1, u1, r0, l0, u0)
        ci_low = np.where(both, low, _NAN)
        ci_high = np.where(both, high, _NAN)

        ok_rel = both & (x1 > 0) & (x0 > 0)
        se_log = np.sqrt(np.clip(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0, 0, None))
        log_ratio = np.log(r1 / r0)
        rel_ci_low = np.where(ok_rel, np.expm1(log_ratio - zc * se_log), _NAN)
        rel_ci_high = np.where(ok_rel, np.expm1(log_ratio + zc * se_log), _NAN)
    return {
        "rate_1": r1, "rate_0": r0, "abs_diff": diff, "rel_diff": rel,
        "z": z, "p_value": p_value, "ci_low": ci_low, "ci_high": ci_high,
        "rel_ci_low": rel_ci_low, "rel_ci_high": rel_ci_high,
    }


def _means(n1: Array, s1: Array, n0: Array, s0: Array) -> tuple[Array, Array, Array, Array]:
    if np.any(n1 < 0) or np.any(n0 < 0):
        raise ValueError("negative count")
    m1 = np.where(n1 > 0, s1 / n1, _NAN)
    m0 = np.where(n0 > 0, s0 / n0, _NAN)
    return m1, m0, m1 - m0, np.where(m0 != 0, m1 / m0 - 1, _NAN)


def welch_test(n1: ArrayLike, s1: ArrayLike, q1: ArrayLike,
               n0: ArrayLike, s0: ArrayLike, q0: ArrayLike,
               alpha: float = 0.05) -> dict[str, Array]:
    """Welch's unequal-variance t-test of mean_1 - mean_0, each group given by its
    count n, sum s and sum of squares q of the per-recipient values.

    Keys: mean_1, mean_0, abs_diff, rel_diff, t, df, p_value, ci_low, ci_high
    (t-based interval of abs_diff), rel_ci_low, rel_ci_high (delta method on the log
    of the ratio of means). Means need n >= 1; the statistics need n >= 2 in both
    groups and a positive standard error (both variances 0 leave them NaN).
    """
    zc = _z_crit(alpha)
    n1, s1, q1, n0, s0, q0 = _arrays(n1, s1, q1, n0, s0, q0)
    with np.errstate(**_ERR):
        m1, m0, diff, rel = _means(n1, s1, n0, s0)
        # sample variances; the clip absorbs rounding in q - s^2/n when all values agree
        v1 = np.where(n1 >= 2, np.clip((q1 - s1 * m1) / (n1 - 1), 0, None), _NAN)
        v0 = np.where(n0 >= 2, np.clip((q0 - s0 * m0) / (n0 - 1), 0, None), _NAN)
        a1, a0 = v1 / n1, v0 / n0
        se2 = a1 + a0
        ok = (n1 >= 2) & (n0 >= 2) & (se2 > 0)
        se = np.sqrt(se2)
        df = np.where(ok, se2**2 / (a1**2 / (n1 - 1) + a0**2 / (n0 - 1)), _NAN)
        t = np.where(ok, diff / se, _NAN)
        p_value = np.where(ok, 2 * _st.t.sf(np.abs(t), df), _NAN)
        tc = np.where(ok, _st.t.isf(alpha / 2, df), _NAN)
        ci_low = np.where(ok, diff - tc * se, _NAN)
        ci_high = np.where(ok, diff + tc * se, _NAN)

        ratio = m1 / m0
        ok_rel = ok & (ratio > 0)
        se_log = np.sqrt(a1 / m1**2 + a0 / m0**2)
        log_ratio = np.log(ratio)
        rel_ci_low = np.where(ok_rel, np.expm1(log_ratio - zc * se_log), _NAN)
        rel_ci_high = np.where(ok_rel, np.expm1(log_ratio + zc * se_log), _NAN)
    return {
        "mean_1": m1, "mean_0": m0, "abs_diff": diff, "rel_diff": rel,
        "t": t, "df": df, "p_value": p_value, "ci_low": ci_low, "ci_high": ci_high,
        "rel_ci_low": rel_ci_low, "rel_ci_high": rel_ci_high,
    }


def quasi_poisson_test(n1: ArrayLike, s1: ArrayLike, q1: ArrayLike,
                       n0: ArrayLike, s0: ArrayLike, q0: ArrayLike,
                       alpha: float = 0.05) -> dict[str, Array]:
    """Mean_1 - mean_0 of non-negative, zero-inflated values (revenue per recipient)
    under the quasi-Poisson variance Var = dispersion * mean, the dispersion pooled
    over both groups; each group given by its count n, sum s and sum of squares q.

    Keys: the keys of ``welch_test`` (t is the score statistic, referred to t with
    df = n_1 + n_0 - 2; the abs interval is MOVER from each mean's score interval; the
    rel interval the log-link GLM's Wald interval) plus dispersion. The statistics
    need n >= 1 in both groups, n_1 + n_0 >= 3, a positive dispersion and non-negative
    means; the relative interval also needs both means positive.
    """
    _check_alpha(alpha)
    n1, s1, q1, n0, s0, q0 = _arrays(n1, s1, q1, n0, s0, q0)
    with np.errstate(**_ERR):
        m1, m0, diff, rel = _means(n1, s1, n0, s0)
        ss1 = np.clip(q1 - s1 * m1, 0, None)
        ss0 = np.clip(q0 - s0 * m0, 0, None)
        phi = (ss1 + ss0) / ((n1 - 1) * m1 + (n0 - 1) * m0)
        df = n1 + n0 - 2
        ok = (n1 >= 1) & (n0 >= 1) & (df >= 1) & (m1 >= 0) & (m0 >= 0) & (phi > 0)
        phi = np.where(ok, phi, _NAN)
        df = np.where(ok, df, _NAN)
        c = _st.t.isf(alpha / 2, df)

        pooled = (s1 + s0) / (n1 + n0)
        t = diff / np.sqrt(phi * pooled * (1 / n1 + 1 / n0))
        p_value = 2 * _st.t.sf(np.abs(t), df)

        def score_interval(m: Array, n: Array) -> tuple[Array, Array]:
            b = m + c * c * phi / (2 * n)
            h = np.sqrt(np.clip(b * b - m * m, 0, None))
            return b - h, b + h

        l1, u1 = score_interval(m1, n1)
        l0, u0 = score_interval(m0, n0)
        ci_low, ci_high = _mover(diff, m1, l1, u1, m0, l0, u0)

        ok_rel = ok & (m1 > 0) & (m0 > 0)
        se_log = np.sqrt(phi * (1 / (n1 * m1) + 1 / (n0 * m0)))
        log_ratio = np.log(m1 / m0)
        rel_ci_low = np.where(ok_rel, np.expm1(log_ratio - c * se_log), _NAN)
        rel_ci_high = np.where(ok_rel, np.expm1(log_ratio + c * se_log), _NAN)
    return {
        "mean_1": m1, "mean_0": m0, "abs_diff": diff, "rel_diff": rel,
        "t": t, "df": df, "p_value": p_value, "ci_low": ci_low, "ci_high": ci_high,
        "rel_ci_low": rel_ci_low, "rel_ci_high": rel_ci_high, "dispersion": phi,
    }


def benjamini_hochberg(p_values: ArrayLike, groups: Sequence[Hashable] | None = None) -> Array:
    """Benjamini-Hochberg adjusted p-values, computed within each group (a family of
    comparisons, e.g. one campaign's variants; all one family when groups is None).

    For the m non-NaN p-values of a group in ascending order p_(1) <= ... <= p_(m),
    the adjusted p_(k) is min(1, min_{j >= k} p_(j) m / j). NaN stays NaN and does not
    count in m. Returns a float64 array in the input's order.
    """
    p = np.atleast_1d(np.asarray(p_values, dtype=np.float64))
    if p.ndim != 1:
        raise ValueError("p_values must be one-dimensional")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    if groups is None:
        codes = np.zeros(p.shape, dtype=np.int64)
    else:
        seen: dict[Hashable, int] = {}
        codes = np.array([seen.setdefault(g, len(seen)) for g in groups], dtype=np.int64)
        if codes.shape != p.shape:
            raise ValueError("groups must have one entry per p-value")
    out = np.full(p.shape, _NAN)
    for code in np.unique(codes):
        idx = np.flatnonzero((codes == code) & ~np.isnan(p))
        m = idx.size
        if m == 0:
            continue
        order = np.argsort(p[idx], kind="stable")
        scaled = p[idx][order] * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
        out[idx[order]] = np.minimum(adjusted, 1.0)
    return out


def _check_power(power: float) -> None:
    if not 0 < power < 1:
        raise ValueError(f"power must be in (0, 1), got {power}")


def proportion_mde(n1: ArrayLike, n0: ArrayLike, p0: ArrayLike,
                   alpha: float = 0.05, power: float = 0.8) -> Array:
    """Absolute minimum detectable rise of a proportion from p0 (normal
    approximation of the pooled two-sided z-test; the module docstring gives the
    equation, solved here by bisection). NaN when a group has no trials, p0 is
    undefined (NaN or outside [0, 1]) or no rise up to a rate of 1 is detectable."""
    _check_power(power)
    za = _z_crit(alpha)
    zb = float(_st.norm.ppf(power))
    n1, n0, p0 = _arrays(n1, n0, p0)
    with np.errstate(**_ERR):
        ok = (n1 > 0) & (n0 > 0) & (p0 >= 0) & (p0 < 1)
        inv = 1 / n1 + 1 / n0

        def gap(delta: Array) -> Array:
            p1 = p0 + delta
            pbar = (n1 * p1 + n0 * p0) / (n1 + n0)
            sd_null = np.sqrt(np.clip(pbar * (1 - pbar), 0, None) * inv)
            sd_alt = np.sqrt(np.clip(p1 * (1 - p1), 0, None) / n1 + p0 * (1 - p0) / n0)
            return delta - za * sd_null - zb * sd_alt

        low = np.zeros_like(p0)
        high = 1 - p0
        ok &= gap(high) >= 0
        for _ in range(64):
            mid = (low + high) / 2
            below = gap(mid) < 0
            low = np.where(below, mid, low)
            high = np.where(below, high, mid)
        return np.where(ok, high, _NAN)


def mean_mde(n1: ArrayLike, n0: ArrayLike, var1: ArrayLike, var0: ArrayLike,
             alpha: float = 0.05, power: float = 0.8) -> Array:
    """Absolute minimum detectable difference of a mean (normal approximation):
    (z_{1-alpha/2} + z_power) sqrt(var1/n1 + var0/n0). NaN when a group is empty or a
    variance is undefined (NaN or negative)."""
    _check_power(power)
    k = _z_crit(alpha) + float(_st.norm.ppf(power))
    n1, n0, var1, var0 = _arrays(n1, n0, var1, var0)
    with np.errstate(**_ERR):
        ok = (n1 > 0) & (n0 > 0) & (var1 >= 0) & (var0 >= 0)
        return np.where(ok, k * np.sqrt(var1 / n1 + var0 / n0), _NAN)


def incrementality(x_t: ArrayLike, n_t: ArrayLike, x_c: ArrayLike, n_c: ArrayLike,
                   alpha: float = 0.05, method: str = "newcombe") -> dict[str, Array]:
    """Holdout test of converters: x_t of n_t treated recipients converted against x_c
    of n_c held out. ``two_proportion_test`` with the holdout's names, plus
    incremental_conversions = abs_lift * n_t and its interval (the abs-lift interval
    times n_t): the conversions the treated audience made because it was messaged.

    Keys: rate_treatment, rate_control, abs_lift, abs_lift_ci_low, abs_lift_ci_high,
    rel_lift, rel_lift_ci_low, rel_lift_ci_high, z, p_value, incremental_conversions,
    incremental_conversions_ci_low, incremental_conversions_ci_high.
    """
    r = two_proportion_test(x_t, n_t, x_c, n_c, alpha=alpha, method=method)
    n = _arrays(n_t, x_t, x_c, n_c)[0]
    return {
        "rate_treatment": r["rate_1"], "rate_control": r["rate_0"],
        "abs_lift": r["abs_diff"], "abs_lift_ci_low": r["ci_low"], "abs_lift_ci_high": r["ci_high"],
        "rel_lift": r["rel_diff"], "rel_lift_ci_low": r["rel_ci_low"],
        "rel_lift_ci_high": r["rel_ci_high"],
        "z": r["z"], "p_value": r["p_value"],
        "incremental_conversions": r["abs_diff"] * n,
        "incremental_conversions_ci_low": r["ci_low"] * n,
        "incremental_conversions_ci_high": r["ci_high"] * n,
    }


def incrementality_mean(n_t: ArrayLike, s_t: ArrayLike, q_t: ArrayLike,
                        n_c: ArrayLike, s_c: ArrayLike, q_c: ArrayLike,
                        alpha: float = 0.05, method: str = "quasi_poisson") -> dict[str, Array]:
    """Holdout test of revenue per recipient (RPR) from each group's count, revenue
    sum and sum of squared revenue per recipient, by ``quasi_poisson_test`` (default)
    or ``welch_test`` (method="welch"); plus incremental_revenue = rpr_abs_lift * n_t
    and its interval.

    Keys: rpr_treatment, rpr_control, rpr_abs_lift, rpr_abs_lift_ci_low,
    rpr_abs_lift_ci_high, rpr_rel_lift, rpr_rel_lift_ci_low, rpr_rel_lift_ci_high,
    rpr_t, rpr_df, rpr_p_value, incremental_revenue, incremental_revenue_ci_low,
    incremental_revenue_ci_high.
    """
    tests = {"quasi_poisson": quasi_poisson_test, "welch": welch_test}
    if method not in tests:
        raise ValueError(f"method must be one of {sorted(tests)}, got {method!r}")
    r = tests[method](n_t, s_t, q_t, n_c, s_c, q_c, alpha=alpha)
    n = _arrays(n_t, s_t, q_t, n_c, s_c, q_c)[0]
    return {
        "rpr_treatment": r["mean_1"], "rpr_control": r["mean_0"],
        "rpr_abs_lift": r["abs_diff"], "rpr_abs_lift_ci_low": r["ci_low"],
        "rpr_abs_lift_ci_high": r["ci_high"],
        "rpr_rel_lift": r["rel_diff"], "rpr_rel_lift_ci_low": r["rel_ci_low"],
        "rpr_rel_lift_ci_high": r["rel_ci_high"],
        "rpr_t": r["t"], "rpr_df": r["df"], "rpr_p_value": r["p_value"],
        "incremental_revenue": r["abs_diff"] * n,
        "incremental_revenue_ci_low": r["ci_low"] * n,
        "incremental_revenue_ci_high": r["ci_high"] * n,
    }
