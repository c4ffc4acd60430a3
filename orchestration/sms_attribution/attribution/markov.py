"""Markov-chain attribution, solved exactly.

A journey is a sequence of states (channels, or channel x campaign) that ends in
a conversion or in nothing. The chain has a start state, one transient state per
state seen (or per tuple of the last `order` states, for a higher-order chain),
and two absorbing states, conversion and null. Consecutive repeats of a state
collapse before counting (a path `sms sms email` is `sms email`).

Transition probabilities are the observed transition counts, normalised per row.
P(conversion) is the absorption probability into conversion from start, solved
from the absorbing chain's linear system (I - Q) x = r, where Q holds the
transient-to-transient probabilities and r the transient-to-conversion ones;
sparse (scipy.sparse.linalg.spsolve) so that thousands of states cost little.
No simulation: the result is exact up to floating point and the same in every run.

The removal effect of a channel c is 1 - P(conversion | c removed) / P(conversion),
where removing c sends every transition into a state that contains c to null (the
convention of channelattribution and of Anderl et al. 2016): in the linear system,
x_s = 0 for every state s containing c.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, diags, identity
from scipy.sparse.linalg import spsolve

START = "(start)"
CONVERSION = "(conversion)"
NULL = "(null)"


def collapse_repeats(states: Sequence[str]) -> list[str]:
    """`a a b a` -> `a b a`: consecutive repeats of one state are one step of the chain."""
    out: list[str] = []
    for state in states:
        if not out or out[-1] != state:
            out.append(state)
    return out


@dataclass(frozen=True)
class Chain:
    """Transition counts of a chain of the given order over journeys."""

    order: int
    states: tuple[tuple[str, ...], ...]  # transient states, index 0 is start
    counts: csr_matrix  # (n + 2) x (n + 2): transient states, then conversion, then null

    @property
    def size(self) -> int:
        return len(self.states)

    def probabilities(self) -> csr_matrix:
        totals = np.asarray(self.counts.sum(axis=1)).ravel()
        totals[totals == 0] = 1.0
        return csr_matrix(self.counts.multiply(1.0 / totals[:, None]))

    def transition_table(self) -> dict[tuple[str, str], float]:
        """(from, to) -> probability, with tuples of a higher order joined by ` > `."""
        names = [" > ".join(s) for s in self.states] + [CONVERSION, NULL]
        names[0] = START
        p = self.probabilities().tocoo()
        return {(names[i], names[j]): float(v) for i, j, v in zip(p.row, p.col, p.data, strict=True)}


def build_chain(journeys: Iterable[tuple[Sequence[str], bool, float]], order: int = 1) -> Chain:
    """journeys: (states, converted, weight). weight is the number of identical
    journeys the row stands for (1 for one journey)."""
    if order < 1:
        raise ValueError("order must be at least 1")
    seen: set[tuple[str, ...]] = set()
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    pending: list[tuple[tuple[str, ...], tuple[str, ...] | str, float]] = []
    for states, converted, weight in journeys:
        path = collapse_repeats(list(states))
        if not path:
            continue
        previous: tuple[str, ...] = (START,)
        for position in range(len(path)):
            current = tuple(path[max(0, position - order + 1): position + 1])
            seen.add(current)
            pending.append((previous, current, weight))
            previous = current
        pending.append((previous, CONVERSION if converted else NULL, weight))
    # States numbered in sorted order, not in order of appearance: the linear system,
    # and so every floating-point result, is then the same whatever the order of the
    # journeys (the same to the last digit in every run).
    index = {state: i for i, state in enumerate([(START,), *sorted(seen - {(START,)})])}
    n = len(index)
    for origin, target, weight in pending:
        rows.append(index[origin])
        if isinstance(target, str):
            cols.append(n if target == CONVERSION else n + 1)
        else:
            cols.append(index[target])
        data.append(float(weight))
    counts = csr_matrix((data, (rows, cols)), shape=(n + 2, n + 2))
    counts.sum_duplicates()
    states = tuple(sorted(index, key=index.__getitem__))
    return Chain(order, states, counts)


def conversion_probability(chain: Chain, removed: frozenset[int] = frozenset()) -> float:
    """P(absorbed in conversion | start), with the transient states in `removed`
    sent to null: their rows of Q and r are zeroed, so their conversion
    probability is 0."""
    p = chain.probabilities()
    n = chain.size
    keep = np.ones(n)
    keep[list(removed)] = 0.0
    q = diags(keep) @ p[:n, :n]
    r = keep * np.asarray(p[:n, n].todense()).ravel()
    x = spsolve((identity(n, format="csr") - q).tocsc(), r)
    return float(np.atleast_1d(x)[0])


def removal_effects(chain: Chain) -> dict[str, float]:
    """channel -> removal effect, for every channel in the chain's states."""
    base = conversion_probability(chain)
    channels = sorted({c for state in chain.states[1:] for c in state})
    effects: dict[str, float] = {}
    for channel in channels:
        removed = frozenset(i for i, state in enumerate(chain.states) if i > 0 and channel in state)
        effects[channel] = 1.0 - conversion_probability(chain, removed) / base if base > 0 else 0.0
    return effects
