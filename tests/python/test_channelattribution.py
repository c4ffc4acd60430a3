"""Our exact Markov attribution (sms_attribution.attribution.markov) against the
reference implementation, ChannelAttribution 2.2.5 (GPL-3: imported by this test and
the benchmark only), on journeys from a generated warehouse and on ChannelAttribution's
own example data (PathData).

Order 1 only: both collapse consecutive repeats, but ChannelAttribution's higher-order
states are sliding windows over the un-collapsed path, ours the last `order` collapsed
states, so their higher-order chains are different models.

The transition matrices are both counts normalised per row: equal to 1e-9 (in fact to
a few ulps), same (from, to) pairs.

The removal effects are not computed the same way. Ours solves the absorbing chain.
ChannelAttribution simulates walks from the transition matrix, in `nfold` folds of
nsim_start / nfold walks each, and reports, from one fold (the one closest to the
folds' median), T_k / N: N the walks that converted, T_k those of them that visited
channel k. P(visit k | conversion) = 1 - P(conversion without visiting k) / P(conversion),
and a walk that never visits k is exactly a walk of the chain with k's states sent to
null, so the estimate's expectation is our removal effect p_k. The tolerance is its
sampling error:

    |theirs_k - ours_k| <= Z sqrt(p_k (1 - p_k) / N_low) + t / (P - t) + 1e-12

- Given N, T_k is binomial(N, p_k). N itself is binomial(M, P), M the walks per fold
  and P our exact P(conversion); N_low = M P - Z sqrt(M P (1 - P)) bounds it from below.
  M is known exactly because conv_par=1 stops ChannelAttribution after its first
  iteration (asserted from its verbose output: one "Number of simulations" line):
  M = nsim_start // nfold. (Later iterations would replay each fold's seed and add the
  replayed walks to the counts, so the walks would not be independent.)
- Z = 5: a two-sided normal tail of 5.7e-7 per channel, so with 12 channels the
  chance that any channel fails by bad luck is below 1e-5 (Bonferroni), and N_low
  fails with 2.9e-7. Choosing the fold closest to the median moves the estimate
  towards the centre, so one fold's binomial error is, if anything, conservative.
  The seed is fixed (seed=0), so a run that passes passes every time.
- ChannelAttribution counts a walk still among the channels after max_step steps as
  neither conversion nor null. With t = P(a walk is still among the channels after
  max_step steps), computed from our chain, the truncated estimate is within
  t / (P - t) of the untruncated one. max_step is 10 x the longest path, which makes
  t negligible (asserted below 1e-9; on these data it is below 1e-30).
- 1e-12 absorbs floating point where p_k is exactly 0 or 1.

Our own result must be the same to the last digit in two runs, and on the journeys in
another order: compared with == (build_chain numbers the states in sorted order, so a
shuffle gives the same linear system).

The generated journeys come from one tiny warehouse built for this module: the
generator's tiny zone (seed 7), loaded, then conftest.build_warehouse(until="journeys"),
dbt up to intermediate.int_attribution_journeys only (no tests, no marts).
The generated data's journeys may all convert; the comparison holds either way.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ChannelAttribution")

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "orchestration"))

from sms_attribution.attribution import benchmark, markov  # noqa: E402

Z = 5.0
NSIM = 1_000_000
NFOLD = 10


def build_journeys_warehouse(base: Path) -> Path:
    """The tiny generated zone (seed 7), loaded and built up to int_attribution_journeys."""
    from conftest import build_warehouse

    from sms_attribution.generator import SCALES, generate
    from sms_attribution.loading import load_all

    generate(base / "landing", base / "truth", seed=7, **SCALES["tiny"])
    warehouse = base / "warehouse.duckdb"
    load_all(warehouse, base / "landing")
    build_warehouse(warehouse, base / "target", until="journeys")
    return warehouse


@pytest.fixture(scope="module")
def generated_cycles(tmp_path_factory):
    import duckdb

    from sms_attribution.attribution.weights import read_journeys

    base = tmp_path_factory.mktemp("channelattribution")
    build_journeys_warehouse(base)
    with duckdb.connect(str(base / "warehouse.duckdb"), read_only=True) as conn:
        cycles = read_journeys(conn)
    return [c for c in cycles if c.conversions > 0]


@pytest.fixture(scope="module")
def path_data() -> list[benchmark.Row]:
    return benchmark.rows_from_path_data(benchmark.example_path_data_file())


def longest(rows) -> int:
    return max(len(markov.collapse_repeats(list(states))) for states, _, _ in rows)


def still_walking(chain: markov.Chain, steps: int) -> float:
    """P(a walk from start is still among the channels after `steps` transitions)."""
    q = chain.probabilities()[:chain.size, :chain.size].T.tocsr()
    v = np.zeros(chain.size)
    v[0] = 1.0
    for _ in range(steps):
        v = q @ v
    return float(v.sum())


def compare(rows, nsim: int = NSIM, nfold: int = NFOLD) -> None:
    chain, ours = benchmark.exact(rows)
    max_step = 10 * longest(rows)
    theirs = benchmark.channel_attribution(benchmark.path_frame(rows), nsim_start=nsim, nfold=nfold, conv_par=1.0,
                                           max_step=max_step, seed=0)

    # (a) the transition matrix
    table = chain.transition_table()
    assert set(theirs.transitions) == set(table)
    worst = max(abs(theirs.transitions[k] - p) for k, p in table.items())
    assert worst <= 1e-9, worst

    # (b) the removal effects, within the simulation's sampling error
    assert theirs.simulations == [nsim], "conv_par=1 should stop after one iteration"
    walks = theirs.per_fold()
    assert walks == nsim // nfold
    p_conv = markov.conversion_probability(chain)
    mean = walks * p_conv
    n_low = mean - Z * math.sqrt(mean * (1 - p_conv))
    assert n_low > 100
    t = still_walking(chain, max_step)
    assert t < 1e-9, t
    allowance = t / (p_conv - t) + 1e-12
    assert set(theirs.removal_effects) == set(ours)
    for channel, p in ours.items():
        tolerance = Z * math.sqrt(p * (1 - p) / n_low) + allowance
        assert abs(theirs.removal_effects[channel] - p) <= tolerance, (channel, theirs.removal_effects[channel], p,
                                                                       tolerance)


def test_generated_journeys_are_there(generated_cycles):
    assert generated_cycles, "no conversion cycle with a converted journey"
    largest = max(generated_cycles, key=lambda c: c.journeys)
    channels = {s for states, _, _ in largest.rows for s in states}
    assert largest.journeys >= 10 and len(channels) >= 3, (largest.cycle, largest.journeys, channels)


def test_generated_journeys_match_channelattribution(generated_cycles):
    """Every conversion cycle with a conversion, each its own chain as in the pipeline."""
    for cycle in generated_cycles:
        compare(cycle.rows)


def test_generated_journeys_exact_is_identical_in_two_runs(generated_cycles):
    for cycle in generated_cycles:
        assert benchmark.exact(cycle.rows)[1] == benchmark.exact(list(cycle.rows))[1], cycle.cycle


def shuffled(rows: list) -> list:
    out = list(rows)
    random.Random(0).shuffle(out)
    return out





def test_generated_journeys_exact_is_identical_on_shuffled_journeys(generated_cycles):
    for cycle in generated_cycles:
        assert benchmark.exact(cycle.rows)[1] == benchmark.exact(shuffled(cycle.rows))[1], cycle.cycle


def test_path_data_matches_channelattribution(path_data):
    # 10,000 rows, but some path strings occur in several rows: 5,408 distinct paths
    assert len(benchmark.path_frame(path_data)) == 5_408
    compare(path_data)


def test_path_data_exact_is_identical_in_two_runs(path_data):
    assert benchmark.exact(path_data)[1] == benchmark.exact(list(path_data))[1]



def test_path_data_exact_is_identical_on_shuffled_journeys(path_data):
    assert benchmark.exact(path_data)[1] == benchmark.exact(shuffled(path_data))[1]

