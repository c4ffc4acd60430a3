"""Exact Shapley values of channels over journeys.

Players are the channels present in the journeys; a journey's coalition is the
set of channels it touched. The characteristic function (the conversion-rate
form of Zhao et al., "Shapley Value Methods for Attribution Modeling in Online
Advertising", 2018):

    v(S) = sum over non-empty T subset of S of CR(T),

CR(T) = conversions / journeys among the journeys whose channel set is exactly T
(0 when no journey has that set). So a coalition is worth the conversion rates of
every channel mix it can form, and journeys that never convert lower the rate of
their mix. The Shapley value of channel i is the weighted mean of its marginal
contributions over all coalitions without it,

    phi_i = sum over S not containing i of |S|! (k - |S| - 1)! / k! x (v(S + i) - v(S)),

enumerated exactly over the 2^k coalitions (a subset-sum transform gives every
v(S) in O(k 2^k)), not the leave-one-out shortcut. The values sum to v(all).
Above `max_channels` the enumeration refuses with a message naming the variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import factorial

import numpy as np

MAX_CHANNELS_VAR = "attribution_shapley_max_channels"


class TooManyChannels(ValueError):
    pass


def shapley_values(
    journeys: Iterable[tuple[Sequence[str], bool, float]], max_channels: int = 16
) -> dict[str, float]:
    """journeys: (states, converted, weight) -> channel -> Shapley value."""
    conversions: dict[frozenset[str], float] = {}
    totals: dict[frozenset[str], float] = {}
    for states, converted, weight in journeys:
        coalition = frozenset(states)
        if not coalition:
            continue
        totals[coalition] = totals.get(coalition, 0.0) + weight
        if converted:
            conversions[coalition] = conversions.get(coalition, 0.0) + weight
    channels = sorted({c for coalition in totals for c in coalition})
    k = len(channels)
    if k > max_channels:
        raise TooManyChannels(
            f"Shapley over {k} channels needs 2^{k} coalitions; the limit is {max_channels} "
            f"(var '{MAX_CHANNELS_VAR}'). Raise it, or group rare channels into one state."
        )
    if k == 0:
        return {}
    bit = {c: 1 << i for i, c in enumerate(channels)}
    rate = np.zeros(1 << k)
    for coalition, total in totals.items():
        mask = sum(bit[c] for c in coalition)
        rate[mask] = conversions.get(coalition, 0.0) / total
    # subset-sum (zeta) transform: value[S] = sum of rate[T] over T subset of S
    value = rate.copy()
    masks = np.arange(1 << k)
    for i in range(k):
        has = (masks >> i) & 1 == 1
        value[has] += value[masks[has] ^ (1 << i)]
    sizes = np.array([bin(m).count("1") for m in range(1 << k)])
    weights = np.array([factorial(s) * factorial(k - s - 1) / factorial(k) if s < k else 0.0
                        for s in range(k + 1)])
    out: dict[str, float] = {}
    for channel in channels:
        b = bit[channel]
        without = masks[(masks & b) == 0]
        out[channel] = float(np.sum(weights[sizes[without]] * (value[without | b] - value[without])))
    return out
