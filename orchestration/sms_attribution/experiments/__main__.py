"""python -m sms_attribution.experiments: compute experiments.ab_test_statistics and
experiments.incrementality_statistics from the warehouse (DUCKDB_PATH), outside Dagster."""

from __future__ import annotations

import duckdb

from .. import settings
from .tables import SCHEMA, compute_experiment_statistics, project_variables


def main() -> None:
    with duckdb.connect(str(settings.duckdb_path())) as conn:
        counts = compute_experiment_statistics(conn, **project_variables())
    for table, rows in counts.items():
        print(f"{SCHEMA}.{table}: {rows} rows")


if __name__ == "__main__":
    main()
