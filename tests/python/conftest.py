"""Shared fixtures: a hand-written landing zone, temporary warehouses, and a dbt
runner that writes its artefacts to a temporary target path (never the project's)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURE_LANDING = PROJECT_DIR / "tests" / "landing_zone"
sys.path.insert(0, str(PROJECT_DIR / "orchestration"))

from sms_attribution.sources import SOURCES, FileFormat  # noqa: E402


def dbt_bin() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], duckdb_path: Path, target_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DUCKDB_PATH": str(duckdb_path), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    result = subprocess.run(
        [dbt_bin(), *args, "--project-dir", str(PROJECT_DIR), "--target-path", str(target_path),
         "--log-path", str(target_path / "logs")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return result


def build_warehouse(duckdb_path: Path, target_path: Path, *, until: str | None = None) -> None:
    """The nightly job's order outside Dagster (selectors.yml, settings.DBT_STAGING_STEP).

    until="journeys" stops at intermediate.int_attribution_journeys and builds models
    and seeds only, no tests (`dbt run`): the input of the data-driven models, for the
    tests that need the journeys and not the marts (about a third of the time)."""
    from sms_attribution import settings
    from sms_attribution.scoring.reasons import DEFAULT_THRESHOLD
    from sms_attribution.scoring.scorer import score_clicks

    if until not in (None, "journeys"):
        raise ValueError(f"build_warehouse(until={until!r}): None or 'journeys'")
    only_nodes = ["--resource-type", "seed", "--resource-type", "model"] if until else []
    run_dbt(["build", *settings.DBT_STAGING_STEP, *only_nodes], duckdb_path, target_path)
    with duckdb.connect(str(duckdb_path)) as conn:
        score_clicks(conn, DEFAULT_THRESHOLD)
    if until == "journeys":
        run_dbt(["run", "--select", "+int_attribution_journeys", "--exclude", "resource_type:seed"],
                duckdb_path, target_path)
        return
    run_dbt(["build", *settings.DBT_DOWNSTREAM_STEP], duckdb_path, target_path)
    from sms_attribution.attribution.weights import compute_attribution_weights, project_variables

    with duckdb.connect(str(duckdb_path)) as conn:
        compute_attribution_weights(conn, **project_variables())
    run_dbt(["build", *settings.DBT_DATA_DRIVEN_STEP], duckdb_path, target_path)
    from sms_attribution.experiments.tables import compute_experiment_statistics
    from sms_attribution.experiments.tables import project_variables as experiment_variables

    with duckdb.connect(str(duckdb_path)) as conn:
        compute_experiment_statistics(conn, **experiment_variables())
    run_dbt(["build", *settings.DBT_EXPERIMENTS_STEP], duckdb_path, target_path)


def count_records_in_files(landing: Path, source_name: str) -> tuple[int, int]:
    """(records, unreadable records) in a source's landing files, counted
    independently of the loader, deduplicating byte-identical files by content.
    Files that are not readable as a whole are left out (they never land)."""
    source = next(s for s in SOURCES if s.name == source_name)
    seen: set[bytes] = set()
    records = unreadable = 0
    folder = landing / source_name
    if not folder.is_dir():
        return 0, 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data in seen:
            continue
        seen.add(data)
        text = data.decode("utf-8", errors="replace")
        if source.file_format is FileFormat.NDJSON:
            for line in text.split("\n"):
                if not line.strip():
                    continue
                records += 1
                try:
                    json.loads(line)
                except json.JSONDecodeError:
                    unreadable += 1
        elif source.file_format is FileFormat.CSV:
            rows = list(csv.reader(text.splitlines()))
            header, body = rows[0], [r for r in rows[1:] if r and any(c.strip() for c in r)]
            records += len(body)
            unreadable += sum(1 for r in body if len(r) != len(header))
        else:
            try:
                page = json.loads(text)
            except json.JSONDecodeError:
                continue
            records += len(page[source.records_key])
    return records, unreadable


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory) -> tuple[Path, Path]:
    """The generator's tiny landing zone (seed 42), loaded and built in the nightly
    job's order, once per session: (warehouse, truth directory). Tests read it only
    (open the warehouse read_only)."""
    from sms_attribution.generator import SCALES, generate
    from sms_attribution.loading import load_all

    base = tmp_path_factory.mktemp("tiny_world")
    landing, truth = base / "landing", base / "truth"
    generate(landing, truth, seed=42, **SCALES["tiny"])
    warehouse = base / "warehouse.duckdb"
    load_all(warehouse, landing)
    build_warehouse(warehouse, base / "target")
    return warehouse, truth


@pytest.fixture()
def fixture_landing(tmp_path: Path) -> Path:
    """A private copy of the hand-written landing zone (tests may add files to it)."""
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    return landing


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def table_fingerprints(
    duckdb_path: Path, schemas: tuple[str, ...], ignore_columns: tuple[str, ...] = ()
) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content hash of every table in the schemas.

    ``ignore_columns`` leaves run stamps (``computed_at``) out of the hash, so two runs
    over the same data compare equal on everything else.
    """
    out = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({', '.join('?' for _ in schemas)}) and table_type = 'BASE TABLE'",
            list(schemas),
        ).fetchall()
        for schema, table in tables:
            columns = [
                name
                for (name,) in conn.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if name not in ignore_columns
            ]
            row = "row(" + ", ".join(f'"{name}"' for name in columns) + ")"
            count, digest = conn.execute(
                f"select count(*), coalesce(sum(hash({row})), 0)::varchar from {schema}.{table}"
            ).fetchone()
            out[f"{schema}.{table}"] = (count, digest)
    return out
