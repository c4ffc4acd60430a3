"""python -m sms_attribution.attribution: compute weights.attribution_weights from
the journeys in the warehouse (DUCKDB_PATH), outside Dagster."""

from __future__ import annotations

import argparse

import duckdb

from .. import settings
from .weights import WEIGHTS_SCHEMA, WEIGHTS_TABLE, compute_attribution_weights, project_variables


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = project_variables()
    parser.add_argument("--order", type=int, default=defaults["order"], help="Markov chain order (1, 2 or 3)")
    parser.add_argument("--max-channels", type=int, default=defaults["max_channels"],
                        help="the most states Shapley enumerates")
    args = parser.parse_args(argv)
    with duckdb.connect(str(settings.duckdb_path())) as conn:
        rows = compute_attribution_weights(conn, order=args.order, max_channels=args.max_channels,
                                           state_kind=defaults["state_kind"])
    print(f"{WEIGHTS_SCHEMA}.{WEIGHTS_TABLE}: {rows} weights")


if __name__ == "__main__":
    main()
