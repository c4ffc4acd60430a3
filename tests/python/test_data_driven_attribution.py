"""Exact Markov removal effects and Shapley values on hand-built journeys, each
expected value worked out by hand in the docstring."""

from __future__ import annotations

import pytest

from sms_attribution.attribution import markov, shapley

# three channels; a repeated state (B B); C appears only in journeys that do not convert
JOURNEYS = [
    (["A", "B", "B"], True, 1.0),
    (["A", "C"], False, 1.0),
    (["B"], True, 1.0),
    (["C"], False, 1.0),
]


def test_repeats_collapse():
    assert markov.collapse_repeats(["sms", "sms", "email", "sms", "sms"]) == ["sms", "email", "sms"]


def test_transition_matrix_of_the_hand_built_journeys():
    """Counts: start->A 2, start->B 1, start->C 1; A->B 1, A->C 1; B->conv 2
    (A B B collapses to A B); C->null 2."""
    table = markov.build_chain(JOURNEYS).transition_table()
    assert table == {
        ("(start)", "A"): 0.5, ("(start)", "B"): 0.25, ("(start)", "C"): 0.25,
        ("A", "B"): 0.5, ("A", "C"): 0.5,
        ("B", "(conversion)"): 1.0,
        ("C", "(null)"): 1.0,
    }


def test_removal_effects_by_hand():
    """P(conv) = P(start->A) P(A->B) + P(start->B) = 1/2 x 1/2 + 1/4 = 1/2.
    Without A: 1/4, effect 1 - (1/4)/(1/2) = 1/2. Without B: 0, effect 1.
    Without C (only on paths that end in null): 1/2, effect 0."""
    chain = markov.build_chain(JOURNEYS)
    assert markov.conversion_probability(chain) == pytest.approx(0.5, abs=1e-15)
    effects = markov.removal_effects(chain)
    assert effects == pytest.approx({"A": 0.5, "B": 1.0, "C": 0.0}, abs=1e-15)


def test_a_loop_is_solved_not_walked():
    """A B A -> conv and A -> null: A goes to B, conv, null with 1/3 each, B back to A.
    x_A = x_B / 3 + 1/3 and x_B = x_A, so x_A = 1/2. Without B: x_A = 1/3, effect
    1 - (1/3)/(1/2) = 1/3. Without A: 0, effect 1."""
    chain = markov.build_chain([(["A", "B", "A"], True, 1.0), (["A"], False, 1.0)])
    assert markov.conversion_probability(chain) == pytest.approx(0.5, abs=1e-15)
    assert markov.removal_effects(chain) == pytest.approx({"A": 1.0, "B": 1 / 3}, abs=1e-15)


def test_weights_count_as_that_many_journeys():
    once = markov.removal_effects(markov.build_chain(JOURNEYS + JOURNEYS[:1]))
    weighted = markov.removal_effects(markov.build_chain([(JOURNEYS[0][0], True, 2.0)] + JOURNEYS[1:]))
    assert once == pytest.approx(weighted, abs=1e-15)


def test_second_order_states_are_pairs_and_removal_takes_every_pair_with_the_channel():
    """Order 2 on the same journeys: states (A), (A,B), (A,C), (B), (C). Start -> (A)
    1/2, (B) 1/4, (C) 1/4; (A) -> (A,B) 1/2, (A,C) 1/2; (A,B) -> conv; (B) -> conv;
    (A,C), (C) -> null. P(conv) = 1/4 + 1/4 = 1/2; without A (states (A), (A,B),
    (A,C)): 1/4, effect 1/2; without B: 0, effect 1; without C: effect 0."""
    chain = markov.build_chain(JOURNEYS, order=2)
    assert {" > ".join(s) for s in chain.states} == {"(start)", "A", "A > B", "A > C", "B", "C"}
    assert markov.removal_effects(chain) == pytest.approx({"A": 0.5, "B": 1.0, "C": 0.0}, abs=1e-15)


def test_two_runs_are_identical_to_the_last_digit():
    first = markov.removal_effects(markov.build_chain(JOURNEYS))
    second = markov.removal_effects(markov.build_chain(list(reversed(JOURNEYS))))
    assert first == second


def test_shapley_values_by_hand():
    """Coalitions: {A} 2 journeys 1 conversion (rate 1/2), {A,B} 1 of 1 (rate 1), {C}
    0 of 1. v(A) = 1/2, v(B) = v(C) = v(B,C) = 0, v(A,B) = v(A,B,C) = 3/2, v(A,C) = 1/2.
    Three players: weight 1/3 for |S| = 0 or 2, 1/6 for |S| = 1.
    phi_A = 1/3 (1/2) + 1/6 (3/2) + 1/6 (1/2) + 1/3 (3/2) = 1;
    phi_B = 1/6 (3/2 - 1/2) + 1/3 (3/2 - 1/2) = 1/2; phi_C = 0 (it never adds a
    conversion). They sum to v(A,B,C) = 3/2."""
    journeys = [(["A"], True, 1.0), (["A", "A"], False, 1.0), (["A", "B"], True, 1.0), (["C"], False, 1.0)]
    assert shapley.shapley_values(journeys) == pytest.approx({"A": 1.0, "B": 0.5, "C": 0.0}, abs=1e-15)


def test_shapley_refuses_too_many_channels_and_names_the_variable():
    journeys = [([f"ch{i}"], True, 1.0) for i in range(5)]
    with pytest.raises(shapley.TooManyChannels, match="attribution_shapley_max_channels"):
        shapley.shapley_values(journeys, max_channels=4)


def test_shapley_efficiency_on_many_channels():
    """The values sum to v(all channels) = the sum of every coalition's rate."""
    journeys = [([f"c{i % 12}", f"c{(i * 7) % 12}"], i % 3 == 0, 1.0 + i % 4) for i in range(60)]
    values = shapley.shapley_values(journeys)
    rates: dict[frozenset, list[float]] = {}
    for states, converted, weight in journeys:
        conv, total = rates.setdefault(frozenset(states), [0.0, 0.0])
        rates[frozenset(states)] = [conv + weight * converted, total + weight]
    assert sum(values.values()) == pytest.approx(sum(c / t for c, t in rates.values()), rel=1e-12)


def test_weights_from_a_journeys_table():
    """The hand-built journeys as int_attribution_journeys rows (one journey repeated:
    A B B twice counts as two journeys), one cycle: the weights table holds the
    hand-computed removal effects and Shapley values per state."""
    import duckdb

    from sms_attribution.attribution import weights

    conn = duckdb.connect()
    conn.execute("create schema intermediate")
    conn.execute("""
        create table intermediate.int_attribution_journeys as
        select *, 86400 as close_after_seconds, timestamp '2026-04-10 00:00:00' as data_horizon,
            'channel' as state_kind
        from (values
            ('j1', 'purchase', true, 1, 'A'), ('j1', 'purchase', true, 2, 'B'), ('j1', 'purchase', true, 3, 'B'),
            ('j2', 'purchase', false, 1, 'A'), ('j2', 'purchase', false, 2, 'C'),
            ('j3', 'purchase', true, 1, 'B'),
            ('j4', 'purchase', false, 1, 'C')
        ) as t(journey_id, conversion_cycle, is_converted, step, state)
    """)
    assert weights.compute_attribution_weights(conn) == 6
    got = {(m, s): v for m, s, v in conn.execute(
        "select model, state, value from weights.attribution_weights").fetchall()}
    assert got[("markov", "A")] == pytest.approx(0.5, abs=1e-15)
    assert got[("markov", "B")] == pytest.approx(1.0, abs=1e-15)
    assert got[("markov", "C")] == pytest.approx(0.0, abs=1e-15)
    # Shapley on the channel sets: {A,B} 1/1, {A,C} 0/1, {B} 1/1, {C} 0/1.
    # v(A)=0, v(B)=1, v(C)=0, v(AB)=2, v(AC)=0, v(BC)=1, v(ABC)=2.
    # phi_A = 1/3 (0) + 1/6 (2-1) + 1/6 (0) + 1/3 (2-1) = 1/2; phi_B = 1/3 (1) + 1/6 (2) + 1/6 (1) + 1/3 (2) = 3/2;
    # phi_C = 0.
    assert got[("shapley", "A")] == pytest.approx(0.5, abs=1e-15)
    assert got[("shapley", "B")] == pytest.approx(1.5, abs=1e-15)
    assert got[("shapley", "C")] == pytest.approx(0.0, abs=1e-15)
    journeys, conversions = conn.execute(
        "select max(cycle_journeys), max(cycle_conversions) from weights.attribution_weights").fetchone()
    assert (journeys, conversions) == (4, 2)
    windows = conn.execute(
        "select distinct journey_close_seconds, data_horizon from weights.attribution_weights").fetchall()
    assert [(close, str(horizon)) for close, horizon in windows] == [(86400, "2026-04-10 00:00:00")]
    # a second run appends its own run (same journeys, same values), in one transaction
    assert weights.compute_attribution_weights(conn) == 6
    runs = conn.execute("""
        select run_id, count(*), min(computed_at) from weights.attribution_weights group by 1 order by 3
    """).fetchall()
    assert [count for _, count, _ in runs] == [6, 6] and runs[0][0] != runs[1][0]
    assert runs[0][2] <= runs[1][2]
    by_run = conn.execute("""
        select run_id, model, state, value from weights.attribution_weights order by 2, 3, 1
    """).fetchall()
    assert [(m, s, v) for _, m, s, v in by_run[0::2]] == [(m, s, v) for _, m, s, v in by_run[1::2]]


@pytest.mark.parametrize("order", [1, 2, 3])
def test_vectorised_chain_counts_what_a_walk_over_each_journey_counts(order):
    """build_chain codes states as integers and counts transitions with numpy; the
    same counts by walking each journey in plain Python (collapse repeats, then the
    last `order` states), on random journeys with empty paths, repeats and weights."""
    import random

    rng = random.Random(order)
    journeys = [(tuple(rng.choice("abcd") for _ in range(rng.randint(0, 6))), rng.random() < 0.4,
                 float(rng.randint(1, 3))) for _ in range(2_000)]
    expected: dict[tuple[str, str], float] = {}
    for states, converted, weight in journeys:
        path = markov.collapse_repeats(list(states))
        if not path:
            continue
        previous = markov.START
        for i in range(len(path)):
            current = " > ".join(path[max(0, i - order + 1): i + 1])
            expected[(previous, current)] = expected.get((previous, current), 0.0) + weight
            previous = current
        end = markov.CONVERSION if converted else markov.NULL
        expected[(previous, end)] = expected.get((previous, end), 0.0) + weight
    chain = markov.build_chain(journeys, order=order)
    names = [markov.START] + [" > ".join(s) for s in chain.states[1:]] + [markov.CONVERSION, markov.NULL]
    counts = chain.counts.tocoo()
    got = {(names[i], names[j]): float(v) for i, j, v in zip(counts.row, counts.col, counts.data, strict=True)}
    assert got == expected
    assert list(chain.states[1:]) == sorted(chain.states[1:])


def test_the_run_records_the_state_kind_the_journeys_were_built_with():
    """A dbt --vars override reaches the journeys, not the Python step's settings:
    the run records the kind the journeys carry (int_attribution_journeys.state_kind)."""
    import json

    import duckdb

    from sms_attribution.attribution import weights

    conn = duckdb.connect()
    conn.execute("create schema intermediate")
    conn.execute("""
        create table intermediate.int_attribution_journeys as
        select *, 86400 as close_after_seconds, timestamp '2026-04-10 00:00:00' as data_horizon,
            'channel_campaign' as state_kind
        from (values ('j1', 'purchase', true, 1, 'sms:c1'), ('j2', 'purchase', false, 1, 'email'))
            as t(journey_id, conversion_cycle, is_converted, step, state)
    """)
    weights.compute_attribution_weights(conn, state_kind="channel")
    recorded = {json.loads(v)["attribution_journey_state"] for (v,) in conn.execute(
        "select distinct variables from weights.attribution_weights").fetchall()}
    assert recorded == {"channel_campaign"}
