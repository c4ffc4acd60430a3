"""Time the exact Markov removal effects (markov.py) against ChannelAttribution's
simulation on the same journeys, and print a Markdown table.

    python -m sms_attribution.attribution.benchmark [--duckdb PATH] [--synthetic N] [--repeat 3]
                                                    [--budget SECONDS] [--no-example]

Data sets, each a set of first-order journeys (consecutive repeats collapse in both
implementations, so order 1 is the only order the two agree on: ChannelAttribution's
higher-order states are sliding windows over the un-collapsed path, ours are the
last `order` collapsed states):

- PathData, ChannelAttribution's example (10,000 distinct paths), read from the
  installed package (cypack/data/Data.csv); skipped with --no-example.
- --duckdb PATH: the journeys of that warehouse's intermediate.int_attribution_journeys,
  all conversion cycles pooled into one chain (the pipeline fits one chain per cycle;
  pooling gives the largest input, which is what a timing wants).
- --synthetic N: N random journeys (seeded numpy: 8 channels, geometric path lengths,
  conversion more likely the more, and the stronger, channels a path touches), so that
  a million-journey timing needs no warehouse. Marked "synthetic" in the table.

Per data set the rows are: ours (build the chain and solve every removal, best of
--repeat; reading and aggregating the journeys is timed separately and reported under
the table), ChannelAttribution at its default settings, and ChannelAttribution at the
first settings found (a predicted simulation count, doubled until it is enough) that
reach 0.1% precision, by each of two measures. Precision is always measured, never
assumed:

- share error: max over channels of |its share - the exact share|, a channel's share
  being its removal effect over the sum of all channels' effects. That is the fraction
  of all conversions ChannelAttribution credits the channel (its `total_conversions`
  column), so 0.1% means no channel's credit is off by more than 0.1% of all
  conversions: the measure a marketer reading the credit sees, and the benchmark's
  headline.
- relative error: max over channels of |theirs - exact| / exact (channels whose exact
  effect is 0 count by their absolute error). Stricter by far where a channel's effect
  is tiny (PathData's smallest is 1.8e-4): simulation error is absolute, so a relative
  0.1% on that channel takes about 1e11 simulated paths.

ChannelAttribution reports one fold of `nfold`, so
the precise rows use nfold=1 (the other folds only feed its convergence check),
conv_par=1 (one iteration, so the simulation count is exactly nsim_start) and
max_step = 10 x the longest path (no truncation). nsim_start is predicted from the
binomial error (of the smallest channel for the relative measure, of the conversion
probability over the effects' sum for the share) and doubled until the measured error
is below 0.1% (run time predicted as overhead + rate x nsim, both from two pilot runs at
1e5 and 1e6); a prediction that would exceed --budget seconds is not run: its row says how
many simulations and seconds it would take, and the next row runs the number of
simulations the budget buys and reports that run's measured error.

ChannelAttribution (GPL-3) is a test and benchmark dependency only: it is imported
inside the functions that call it, never by the pipeline.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import markov

Row = tuple[tuple[str, ...], bool, float]  # (states in order, converted, how many journeys)
PRECISION = 1e-3


# ----------------------------------------------------------------------------- data sets

def example_path_data_file() -> Path:
    """ChannelAttribution's example data, inside the installed package."""
    spec = importlib.util.find_spec("cypack")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("ChannelAttribution is not installed (its example data ships in cypack/data)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Data.csv"


def rows_from_path_data(path: Path) -> list[Row]:
    """PathData (path;total_conversions;total_conversion_value;total_null) as journeys:
    one converted row and one non-converted row per path, weighted by their counts."""
    rows: list[Row] = []
    with path.open(newline="", encoding="utf-8") as f:
        for record in csv.DictReader(f, delimiter=";"):
            states = tuple(s.strip() for s in record["path"].split(">"))
            conversions, nulls = int(record["total_conversions"]), int(record["total_null"])
            if conversions:
                rows.append((states, True, float(conversions)))
            if nulls:
                rows.append((states, False, float(nulls)))
    return rows


def rows_from_warehouse(duckdb_path: Path, schema: str = "intermediate") -> list[Row]:
    """Every conversion cycle's journeys pooled, identical journeys counted together."""
    import duckdb

    from .weights import read_journeys

    pooled: Counter[tuple[tuple[str, ...], bool]] = Counter()
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        for cycle in read_journeys(conn, schema):
            for states, converted, weight in cycle.rows:
                pooled[(states, converted)] += weight
    return [(states, converted, float(weight)) for (states, converted), weight in sorted(pooled.items())]


def synthetic_rows(n: int, *, channels: int = 8, seed: int = 0, mean_length: float = 3.0) -> list[Row]:
    """n random journeys, aggregated into distinct (path, converted) rows."""
    rng = np.random.default_rng(seed)
    names = np.array([f"ch{i}" for i in range(channels)])
    popularity = rng.dirichlet(np.full(channels, 2.0))
    lift = rng.uniform(0.01, 0.10, size=channels)  # P(conversion) a touch of the channel adds
    lengths = rng.geometric(1.0 / mean_length, size=n)
    touches = rng.choice(channels, size=int(lengths.sum()), p=popularity)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    log_miss = np.add.reduceat(np.log1p(-lift[touches]), starts)
    converted = rng.random(n) < -np.expm1(log_miss)
    counts: Counter[tuple[tuple[str, ...], bool]] = Counter()
    flat = names[touches].tolist()
    for start, length, conv in zip(starts.tolist(), lengths.tolist(), converted.tolist(), strict=True):
        counts[(tuple(flat[start:start + length]), conv)] += 1
    return [(states, converted, float(weight)) for (states, converted), weight in sorted(counts.items())]


# ----------------------------------------------------------------------------- the two implementations

def exact(rows: Iterable[tuple[Sequence[str], bool, float]]) -> tuple[markov.Chain, dict[str, float]]:
    chain = markov.build_chain(rows, order=1)
    return chain, markov.removal_effects(chain)


def path_frame(rows: Iterable[tuple[Sequence[str], bool, float]]) -> Any:
    """ChannelAttribution's input: one row per distinct path (states joined by ' > '),
    with its converted and non-converted journeys (integers: it counts in integers)."""
    import pandas as pd

    totals: dict[str, list[int]] = {}
    for states, converted, weight in rows:
        if not states:
            continue
        for state in states:
            if ">" in state or state != state.strip() or not state:
                raise ValueError(f"state {state!r} cannot be written as a ChannelAttribution path")
        if weight != int(weight):
            raise ValueError(f"ChannelAttribution counts journeys in integers; got weight {weight}")
        entry = totals.setdefault(" > ".join(states), [0, 0])
        entry[0 if converted else 1] += int(weight)
    return pd.DataFrame({"path": list(totals), "total_conversions": [c for c, _ in totals.values()],
                         "total_null": [n for _, n in totals.values()]})


def import_channel_attribution() -> Any:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints a banner on import
            import ChannelAttribution
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "the benchmark compares against ChannelAttribution (GPL-3, a test-only dependency): "
            "pip install ChannelAttribution==2.2.5 (it needs pandas)") from error
    return ChannelAttribution


@dataclass
class SimulatedModel:
    transitions: dict[tuple[str, str], float]
    removal_effects: dict[str, float]
    simulations: list[int]  # nsim_start of each iteration, from its verbose output
    seconds: float
    settings: dict[str, Any] = field(default_factory=dict)

    def per_fold(self) -> int:
        """Simulated paths in the fold it reports, summed over iterations (each iteration
        replays the fold's seed, so after the first one they are not independent)."""
        nfold = int(self.settings.get("nfold", 10))
        return sum(nsim // nfold for nsim in self.simulations)


def channel_attribution(frame: Any, **settings: Any) -> SimulatedModel:
    """ca.markov_model(order=1, out_more=True) with its state codes mapped to our names."""
    ca = import_channel_attribution()
    output = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(output):
        result = ca.markov_model(frame, "path", "total_conversions", var_null="total_null", order=1,
                                 out_more=True, flg_pro=False, verbose=True, **settings)
    seconds = time.perf_counter() - started
    simulations = [int(n) for n in re.findall(r"Number of simulations: (\d+)", output.getvalue())]
    channels = result["result"]["channel_name"].tolist()
    names = {str(i + 1): name for i, name in enumerate(channels)}  # it codes channels 1.. in order of appearance
    transitions = {
        (names.get(a, a), names.get(b, b)): float(p)
        for a, b, p in result["transition_matrix"][["channel_from", "channel_to", "transition_probability"]]
        .itertuples(index=False)
    }
    effects_frame = result["removal_effects"]
    column = "removal_effect" if "removal_effect" in effects_frame else "removal_effects_conversion"
    effects = {name: float(value) for name, value in zip(effects_frame["channel_name"], effects_frame[column],
                                                         strict=True)}
    return SimulatedModel(transitions, effects, simulations, seconds, dict(settings))


@dataclass(frozen=True)
class Errors:
    relative: float  # max over channels of |theirs - exact| / exact (absolute where exact is 0)
    absolute: float  # max over channels of |theirs - exact|
    share: float  # max over channels of |their share - exact share|, shares = effect / sum of effects


def errors(theirs: dict[str, float], ours: dict[str, float]) -> Errors:
    """The three error measures of one simulated model against the exact effects."""
    if set(theirs) != set(ours):
        raise AssertionError(f"channels differ: {sorted(set(theirs) ^ set(ours))}")
    absolute = {k: abs(theirs[k] - ours[k]) for k in ours}
    relative = [absolute[k] / ours[k] if ours[k] > 0 else absolute[k] for k in ours]
    their_total, our_total = sum(theirs.values()), sum(ours.values())
    share = max(abs(theirs[k] / their_total - ours[k] / our_total) for k in ours) if our_total > 0 else 0.0
    return Errors(max(relative), max(absolute.values()), share)


# ----------------------------------------------------------------------------- benchmark

@dataclass
class Line:
    data_set: str
    journeys: int
    paths: int
    channels: int
    method: str
    settings: str
    seconds: float | None
    error: Errors | None


def settings_text(settings: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in settings.items()) or "defaults"


MEASURES = {"share": "share error", "relative": "relative error"}


def benchmark(name: str, rows: list[Row], *, repeat: int, budget: float, prepare_seconds: float) -> list[Line]:
    frame = path_frame(rows)
    journeys = int(sum(w for _, _, w in rows))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        chain, ours = exact(rows)
        times.append(time.perf_counter() - started)
    base = dict(data_set=name, journeys=journeys, paths=len(frame), channels=len(ours))
    lines = [Line(**base, method="ours (exact)", settings=f"sparse solve, {len(ours) + 1} systems",
                  seconds=min(times), error=Errors(0.0, 0.0, 0.0))]
    print(f"{name}: reading/aggregating the journeys took {prepare_seconds:.2f} s (not in the table)", flush=True)

    def run(settings: dict[str, Any]) -> SimulatedModel:
        best: SimulatedModel | None = None
        for _ in range(repeat):
            model = channel_attribution(frame, **settings)
            if best is None or model.seconds < best.seconds:
                best = model
        assert best is not None
        return best

    default = run({})
    lines.append(Line(**base, method="ChannelAttribution", settings=f"defaults (nsim {default.simulations})",
                      seconds=default.seconds, error=errors(default.removal_effects, ours)))

    # precise: one fold, one iteration, no truncation; nsim predicted from binomial errors
    p_conv = markov.conversion_probability(chain)
    smallest = min((v for v in ours.values() if v > 0), default=1.0)
    total = sum(ours.values()) or 1.0
    longest = max(len(markov.collapse_repeats(list(s))) for s, _, _ in rows)
    precise = dict(nfold=1, conv_par=1.0, max_step=10 * longest)
    # seconds = overhead + rate x nsim, both measured on two pilot runs
    pilots = [channel_attribution(frame, nsim_start=n, **precise).seconds for n in (100_000, 1_000_000)]
    rate = max((pilots[1] - pilots[0]) / 900_000, 1e-12)
    overhead = max(pilots[0] - 100_000 * rate, 0.0)
    # 2 standard errors below 0.1%: an effect 1 - p_c / p estimated from nsim paths has a
    # standard error of about sqrt(p_c (1 - p_c) / nsim) / p <= sqrt((1 - p) / (p nsim))
    predicted_nsim = {
        "relative": 4 * (1 - smallest) / (smallest * PRECISION ** 2) / p_conv,
        "share": 4 * (1 - p_conv) / (p_conv * (total * PRECISION) ** 2),
    }
    for measure, label in MEASURES.items():
        nsim = max(int(float(f"{predicted_nsim[measure]:.2g}")), 100_000)
        while True:
            settings = dict(nsim_start=nsim, **precise)
            predicted = overhead + nsim * rate
            if predicted > budget:
                lines.append(Line(**base, method="ChannelAttribution", settings=settings_text(settings) +
                                  f" for 0.1% {label}: not run, about {predicted:,.0f} s predicted "
                                  f"(> budget {budget:g} s)", seconds=None, error=None))
                settings["nsim_start"] = int(float(f"{(budget - overhead) / rate:.1g}"))  # what the budget buys
                model = channel_attribution(frame, **settings)
                lines.append(Line(**base, method="ChannelAttribution",
                                  settings=settings_text(settings) + " (the budget)",
                                  seconds=model.seconds, error=errors(model.removal_effects, ours)))
                break
            model = channel_attribution(frame, **settings)
            error = errors(model.removal_effects, ours)
            if getattr(error, measure) <= PRECISION:
                lines.append(Line(**base, method="ChannelAttribution",
                                  settings=settings_text(settings) + f" (reaches 0.1% {label})",
                                  seconds=model.seconds, error=error))
                break
            print(f"{name}: nsim_start={nsim} gave {label} {getattr(error, measure):.2e} "
                  f"in {model.seconds:.1f} s; doubling", flush=True)
            nsim *= 2
    return lines


def markdown(lines: list[Line]) -> str:
    out = ["| data set | journeys | distinct paths | channels | method | settings | seconds "
           "| max share error | max relative error | max absolute error |",
           "|---|---:|---:|---:|---|---|---:|---:|---:|---:|"]

    def number(value: float | None, percent: bool) -> str:
        if value is None:
            return ""
        if value == 0:
            return "0"
        return f"{value:.3%}" if percent else f"{value:.1e}"

    for x in lines:
        seconds = "" if x.seconds is None else f"{x.seconds:.2f}"
        e = x.error
        cells = [number(e and e.share, True), number(e and e.relative, True), number(e and e.absolute, False)]
        out.append(f"| {x.data_set} | {x.journeys:,} | {x.paths:,} | {x.channels} | {x.method} | {x.settings} "
                   f"| {seconds} | {' | '.join(cells)} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sms_attribution.attribution.benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", type=Path, help="a warehouse with intermediate.int_attribution_journeys")
    parser.add_argument("--synthetic", type=int, metavar="N", help="also time N synthetic journeys")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds one precise ChannelAttribution run may be predicted to take (default 60)")
    parser.add_argument("--no-example", action="store_true", help="leave out ChannelAttribution's PathData")
    args = parser.parse_args(argv)
    import_channel_attribution()
    lines: list[Line] = []
    data_sets: list[tuple[str, Callable[[], list[Row]]]] = []
    if not args.no_example:
        data_sets.append(("PathData (ChannelAttribution example)",
                          lambda: rows_from_path_data(example_path_data_file())))
    if args.duckdb:
        data_sets.append((f"warehouse {args.duckdb.name}, all cycles pooled", lambda: rows_from_warehouse(args.duckdb)))
    if args.synthetic:
        data_sets.append((f"synthetic, {args.synthetic:,} journeys", lambda: synthetic_rows(args.synthetic)))
    for name, load in data_sets:
        started = time.perf_counter()
        rows = load()
        lines += benchmark(name, rows, repeat=args.repeat, budget=args.budget,
                           prepare_seconds=time.perf_counter() - started)
    print(markdown(lines))


if __name__ == "__main__":
    main()
