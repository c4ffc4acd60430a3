"""The data-driven models' weights, computed from the journeys in the warehouse.

    python -m sms_attribution.attribution [--order 1] [--max-channels 16]

Reads `intermediate.int_attribution_journeys` (one row per journey x touch), groups
each conversion cycle's journeys into state sequences (identical journeys counted
once, with their number as weight), and appends to `weights.attribution_weights`
one row per (model, conversion cycle, state) of this run, with the Markov removal
effect or the Shapley value, the journeys and conversions it was learned from, and
the variables used. Every run is kept (a few dozen rows a night), so how the weights
moved from night to night is in reporting.rpt_channel_weights; the dbt marts
attribution_markov and attribution_shapley join the latest run's weights to the
conversions' paths (stg_weights__attribution_weights.is_latest_run). A run's rows
are inserted in one transaction: a killed run leaves no partial run behind.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from . import markov, shapley

WEIGHTS_SCHEMA = "weights"
WEIGHTS_TABLE = "attribution_weights"
JOURNEYS_MODEL = "int_attribution_journeys"


@dataclass(frozen=True)
class Journeys:
    cycle: str
    rows: list[tuple[tuple[str, ...], bool, float]]  # (states in order, converted, how many)
    close_after_seconds: int | None = None  # the cycle's close window for non-converting journeys
    data_horizon: datetime | None = None
    state_kind: str | None = None  # var('attribution_journey_state') the journeys were built with

    @property
    def journeys(self) -> int:
        return int(sum(weight for _, _, weight in self.rows))

    @property
    def conversions(self) -> int:
        return int(sum(weight for _, converted, weight in self.rows if converted))


def read_journeys(conn: duckdb.DuckDBPyConnection, schema: str = "intermediate") -> list[Journeys]:
    """Each cycle's journeys as state sequences, identical ones counted together."""
    rows = conn.execute(f"""
        select conversion_cycle, is_converted, states, count(*) as journeys,
            max(close_after_seconds) as close_after_seconds, max(data_horizon) as data_horizon,
            max(state_kind) as state_kind
        from (
            select
                conversion_cycle,
                journey_id,
                bool_or(is_converted) as is_converted,
                list(state order by step) as states,
                max(close_after_seconds) as close_after_seconds,
                max(data_horizon) as data_horizon,
                max(state_kind) as state_kind
            from {schema}.{JOURNEYS_MODEL}
            group by 1, 2
        ) as journeys
        group by 1, 2, 3
        order by 1, 2, 3
    """).fetchall()
    by_cycle: dict[str, list[tuple[tuple[str, ...], bool, float]]] = {}
    windows: dict[str, tuple[int | None, datetime | None, str | None]] = {}
    for cycle, converted, states, count, close_after, horizon, kind in rows:
        by_cycle.setdefault(cycle, []).append((tuple(states), bool(converted), float(count)))
        windows[cycle] = (close_after, horizon, kind)
    return [Journeys(cycle, journeys, *windows[cycle]) for cycle, journeys in sorted(by_cycle.items())]


def weights_rows(journeys: Journeys, *, order: int, max_channels: int) -> list[dict]:
    """One row per (model, state) for one cycle."""
    per_state_journeys: Counter[str] = Counter()
    per_state_conversions: Counter[str] = Counter()
    for states, converted, weight in journeys.rows:
        for state in set(states):
            per_state_journeys[state] += int(weight)
            if converted:
                per_state_conversions[state] += int(weight)
    out = []
    effects = markov.removal_effects(markov.build_chain(journeys.rows, order=order))
    for state, value in sorted(effects.items()):
        out.append({"model": "markov", "state": state, "value": value})
    values = shapley.shapley_values(journeys.rows, max_channels=max_channels)
    for state, value in sorted(values.items()):
        out.append({"model": "shapley", "state": state, "value": value})
    for row in out:
        row.update(conversion_cycle=journeys.cycle, state_journeys=per_state_journeys[row["state"]],
                   state_conversions=per_state_conversions[row["state"]],
                   cycle_journeys=journeys.journeys, cycle_conversions=journeys.conversions,
                   journey_close_seconds=journeys.close_after_seconds, data_horizon=journeys.data_horizon)
    return out


def project_variables() -> dict:
    """The dbt project's vars that the weights use (dbt_project.yml), so the Python
    step and the dbt models read one setting."""
    from .. import settings

    variables = settings.project_vars()
    return {
        "order": int(variables.get("attribution_markov_order", 1)),
        "max_channels": int(variables.get("attribution_shapley_max_channels", 16)),
        "state_kind": str(variables.get("attribution_journey_state", "channel")),
    }


def compute_attribution_weights(
    conn: duckdb.DuckDBPyConnection, *, order: int = 1, max_channels: int = 16, state_kind: str = "channel",
    journeys_schema: str = "intermediate",
) -> int:
    """Compute this run's weights and append them to weights.attribution_weights;
    returns the number of rows the run added."""
    started = time.perf_counter()
    run_id = uuid.uuid4().hex
    computed_at = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    cycles = read_journeys(conn, journeys_schema)
    for journeys in cycles:
        rows += weights_rows(journeys, order=order, max_channels=max_channels)
    # the state kind the journeys were built with (a dbt --vars override included),
    # else the project's setting
    built_with = {c.state_kind for c in cycles if c.state_kind}
    if len(built_with) == 1:
        state_kind = built_with.pop()
    variables = json.dumps({"attribution_markov_order": order, "attribution_shapley_max_channels": max_channels,
                            "attribution_journey_state": state_kind}, sort_keys=True)
    conn.execute(f"create schema if not exists {WEIGHTS_SCHEMA}")
    conn.execute(f"""
        create table if not exists {WEIGHTS_SCHEMA}.{WEIGHTS_TABLE} (
            run_id varchar, model varchar, conversion_cycle varchar, state varchar, value double,
            state_journeys bigint, state_conversions bigint, cycle_journeys bigint, cycle_conversions bigint,
            journey_close_seconds bigint, data_horizon timestamp,
            variables varchar, computed_at timestamp, seconds double
        )
    """)
    seconds = time.perf_counter() - started
    if rows:
        conn.begin()
        conn.executemany(
            f"insert into {WEIGHTS_SCHEMA}.{WEIGHTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, r["model"], r["conversion_cycle"], r["state"], r["value"], r["state_journeys"],
              r["state_conversions"], r["cycle_journeys"], r["cycle_conversions"], r["journey_close_seconds"],
              r["data_horizon"], variables, computed_at, seconds)
             for r in rows],
        )
        conn.commit()
    return len(rows)
