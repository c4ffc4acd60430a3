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

import itertools
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
    journeys the row stands for (1 for one journey).

    Vectorised (numpy) over all touches at once: a million journeys take about a
    second, nearly all of it reading the Python tuples. A state of order k is coded
    as one integer, its last k collapsed channels in base (channels + 1), 0 marking
    a position before the path's start; the codes are decoded back to tuples only
    for the distinct states."""
    if order < 1:
        raise ValueError("order must be at least 1")
    rows_in = [(states, converted, weight) for states, converted, weight in journeys if len(states)]
    if not rows_in:
        return Chain(order, ((START,),), csr_matrix((3, 3)))
    flat = list(itertools.chain.from_iterable(states for states, _, _ in rows_in))
    vocabulary = sorted(set(flat))
    code_of = {state: i for i, state in enumerate(vocabulary)}
    lengths = np.fromiter(map(len, (states for states, _, _ in rows_in)), dtype=np.int64, count=len(rows_in))
    codes = np.fromiter(map(code_of.__getitem__, flat), dtype=np.int64, count=len(flat))
    path = np.repeat(np.arange(len(rows_in)), lengths)
    # consecutive repeats collapse: keep a touch that starts its path or changes state
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = (path[1:] != path[:-1]) | (codes[1:] != codes[:-1])
    codes, path = codes[keep], path[keep]
    lengths = np.bincount(path, minlength=len(rows_in))
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    position = np.arange(len(codes)) - first[path]
    base = len(vocabulary) + 1
    if float(base) ** order >= 2.0 ** 62:
        raise ValueError(f"order {order} over {len(vocabulary)} states does not fit the chain's integer codes")
    state_code = np.zeros(len(codes), dtype=np.int64)
    for back in range(order):  # digit `back` = the channel `back` steps earlier, + 1; 0 before the start
        shifted = np.zeros(len(codes), dtype=np.int64)
        if back:
            shifted[back:] = codes[:-back] + 1
        else:
            shifted[:] = codes + 1
        shifted[position < back] = 0
        state_code += shifted * base ** back
    distinct = np.unique(state_code)

    def decode(code: int) -> tuple[str, ...]:
        digits = []
        for _ in range(order):
            code, digit = divmod(code, base)
            digits.append(digit)
        return tuple(vocabulary[d - 1] for d in reversed(digits) if d)

    # States numbered in sorted order of their tuples, not in order of appearance: the
    # linear system, and so every floating-point result, is then the same whatever the
    # order of the journeys (the same to the last digit in every run).
    tuples = [decode(int(code)) for code in distinct]
    ranked = sorted(range(len(tuples)), key=tuples.__getitem__)
    index_of_distinct = np.empty(len(tuples), dtype=np.int64)
    index_of_distinct[ranked] = np.arange(1, len(tuples) + 1)  # 0 is start
    state_index = index_of_distinct[np.searchsorted(distinct, state_code)]
    n = len(tuples) + 1
    weights = np.fromiter((float(weight) for _, _, weight in rows_in), dtype=np.float64, count=len(rows_in))
    converted = np.fromiter((bool(c) for _, c, _ in rows_in), dtype=bool, count=len(rows_in))
    origin = np.where(position == 0, 0, np.roll(state_index, 1))
    last = first + lengths - 1
    rows = np.concatenate((origin, state_index[last]))
    cols = np.concatenate((state_index, np.where(converted, n, n + 1)))
    data = np.concatenate((weights[path], weights))
    counts = csr_matrix((data, (rows, cols)), shape=(n + 2, n + 2))
    counts.sum_duplicates()
    states = ((START,), *(tuples[i] for i in ranked))
    return Chain(order, states, counts)


def conversion_probability(chain: Chain, removed: frozenset[int] = frozenset(),
                           probabilities: csr_matrix | None = None) -> float:
    """P(absorbed in conversion | start), with the transient states in `removed`
    sent to null: their rows of Q and r are zeroed, so their conversion
    probability is 0. `probabilities`: chain.probabilities(), when the caller has it."""
    p = chain.probabilities() if probabilities is None else probabilities
    n = chain.size
    keep = np.ones(n)
    keep[list(removed)] = 0.0
    q = diags(keep) @ p[:n, :n]
    r = keep * np.asarray(p[:n, n].todense()).ravel()
    x = spsolve((identity(n, format="csr") - q).tocsc(), r)
    return float(np.atleast_1d(x)[0])


def removal_effects(chain: Chain) -> dict[str, float]:
    """channel -> removal effect, for every channel in the chain's states."""
    p = chain.probabilities()
    base = conversion_probability(chain, probabilities=p)
    channels = sorted({c for state in chain.states[1:] for c in state})
    effects: dict[str, float] = {}
    for channel in channels:
        removed = frozenset(i for i, state in enumerate(chain.states) if i > 0 and channel in state)
        effects[channel] = 1.0 - conversion_probability(chain, removed, p) / base if base > 0 else 0.0
    return effects
