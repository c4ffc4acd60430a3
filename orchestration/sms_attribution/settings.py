"""Where things are: every path the pipeline uses, from the environment.

`LANDING_DIR` and `DUCKDB_PATH` point the same job at any landing zone and any
warehouse file; the defaults sit under `data/` in the project root.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

# The nightly job's order when dbt runs outside Dagster (scripts/check.sh, the tests,
# the benchmark): `dbt build --selector nightly_staging`, the bot-scoring step, then
# `dbt build --selector nightly_downstream` (selectors.yml: the staging step is seeds
# and staging except stg_scoring__click_bot_scores, which reads the scorer's output).
# `buildable` indirect selection runs each test in the step that builds the last of
# its parents (a relationships test from an intermediate model to a staging one runs
# in step two).
STAGING_SELECTOR = "nightly_staging"
DOWNSTREAM_SELECTOR = "nightly_downstream"
# ... then the data-driven weights (python -m sms_attribution.attribution), then what
# reads them (the Markov and Shapley marts).
DATA_DRIVEN_SELECTOR = "nightly_data_driven"
# ... then the experiments' statistics (python -m sms_attribution.experiments), then
# what reads them (rpt_ab_tests, rpt_incrementality, rpt_attribution_calibration).
EXPERIMENTS_SELECTOR = "nightly_experiments"
INDIRECT_SELECTION = "buildable"
DBT_STAGING_STEP = ["--selector", STAGING_SELECTOR, "--indirect-selection", INDIRECT_SELECTION]
DBT_DOWNSTREAM_STEP = ["--selector", DOWNSTREAM_SELECTOR, "--indirect-selection", INDIRECT_SELECTION]
DBT_DATA_DRIVEN_STEP = ["--selector", DATA_DRIVEN_SELECTOR, "--indirect-selection", INDIRECT_SELECTION]
DBT_EXPERIMENTS_STEP = ["--selector", EXPERIMENTS_SELECTOR, "--indirect-selection", INDIRECT_SELECTION]


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    path = Path(value) if value else default
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def landing_dir() -> Path:
    return _path_from_env("LANDING_DIR", PROJECT_DIR / "data" / "landing")


def duckdb_path() -> Path:
    return _path_from_env("DUCKDB_PATH", PROJECT_DIR / "data" / "warehouse.duckdb")


def truth_dir() -> Path:
    """The generator's ground truth: never read by the pipeline, only by tests and benchmarks."""
    return _path_from_env("TRUTH_DIR", PROJECT_DIR / "data" / "truth")


def spark_data_dir() -> Path:
    """Hive metastore and warehouse of the local Spark session (the `spark` dbt target)."""
    return _path_from_env("SPARK_DATA_DIR", PROJECT_DIR / "data" / "spark")


def export_env() -> dict[str, str]:
    """Resolve the paths once and put them in the environment, so that dbt
    (which reads them in profiles.yml) sees the same absolute paths as Python."""
    values = {
        "LANDING_DIR": str(landing_dir()),
        "DUCKDB_PATH": str(duckdb_path()),
        "SPARK_DATA_DIR": str(spark_data_dir()),
    }
    os.environ.update(values)
    return values


def executable(name: str) -> str:
    """A console script of this environment (dbt, say): the one beside the running
    Python first, so a venv works without being on PATH, else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name) or name


def project_vars() -> dict:
    """dbt_project.yml's vars: the Python steps read the dbt project's settings, so
    each is written once."""
    import yaml

    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")).get("vars", {})
