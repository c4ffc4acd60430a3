"""The Dagster code location: loads, dbt, schedule and freshness, as one asset graph.

    raw/<source> (one per landing folder) ──> dbt sources ──> staging ──> reporting

- `load_landing_zone` is one multi-asset with an asset per source (`raw/<source>`)
  plus the loader's manifest (`raw/loaded_files`); it can be subset, and a bad file
  in one source never stops the others (it fails that source's asset check, as a
  warning, and is listed in rpt_data_quality).
- `sms_attribution_dbt` streams `dbt build`; the dbt sources point back at the raw
  assets through `meta.dagster.asset_key`, so lineage runs from files to marts.
- The nightly job runs everything in process (DuckDB allows one writer) at 03:00
  UTC; public marts carry a cron freshness policy (fresh by 06:00 UTC).

Importing this module needs `target/manifest.json`: run `dbt parse` first (the
pipeline command and the test suite do).
"""


import os
import uuid
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import duckdb
from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    Definitions,
    FreshnessPolicy,
    MaterializeResult,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
    multi_asset,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from . import settings
from .loading import LOADER_SETTINGS, load_source
from .attribution.assets import build_attribution_weights_asset
from .experiments.assets import build_experiment_statistics_asset
from .scoring.assets import build_click_bot_scores_asset
from .sources import MANIFEST_TABLE, RAW_SCHEMA, SOURCES

settings.export_env()

PUBLIC_SCHEMAS = ("core", "attribution", "reporting")
RAW_GROUP = "raw"

# Public marts must be rebuilt every night by the morning: the cron policy fails an
# asset not materialized between 00:00 and 06:00 UTC each day. Raw loads and
# staging only need to be less than a day old.
PUBLIC_FRESHNESS = FreshnessPolicy.cron(
    deadline_cron="0 6 * * *", lower_bound_delta=timedelta(hours=6), timezone="UTC"
)
INTERNAL_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=timedelta(hours=30), warn_window=timedelta(hours=26)
)

dbt_project = DbtProject(
    project_dir=settings.PROJECT_DIR,
    profiles_dir=settings.PROJECT_DIR,
    target=os.environ.get("DBT_TARGET", "duckdb"),
)


def raw_asset_key(source_name: str) -> AssetKey:
    return AssetKey([RAW_SCHEMA, source_name])


MANIFEST_KEY = raw_asset_key(MANIFEST_TABLE)
UNREADABLE_CHECK = "no_unreadable_files"

_raw_specs = [
    AssetSpec(
        key=raw_asset_key(source.name),
        description=f"{source.description}: landed files, one raw row per record ({source.file_format.value}).",
        group_name=RAW_GROUP,
        kinds={"duckdb", "python"},
        skippable=True,
        freshness_policy=INTERNAL_FRESHNESS,
        metadata={"landing_folder": source.name, "format": source.file_format.value},
    )
    for source in SOURCES
] + [
    AssetSpec(
        key=MANIFEST_KEY,
        description="Every landing file the loader has seen: loaded, duplicate (same bytes) or failed (with the reason).",
        group_name=RAW_GROUP,
        kinds={"duckdb", "python"},
        skippable=True,
    )
]

_raw_checks = [
    AssetCheckSpec(
        name=UNREADABLE_CHECK,
        asset=raw_asset_key(source.name),
        description="Every new file of the source could be read (a failed file is recorded, not loaded).",
    )
    for source in SOURCES
]


@multi_asset(
    name="load_landing_zone",
    specs=_raw_specs,
    check_specs=_raw_checks,
    can_subset=True,
    description="Load each source's new landing files into the raw schema (idempotent by content hash).",
)
def load_landing_zone(context: AssetExecutionContext) -> Iterator[Any]:
    landing = settings.landing_dir()
    warehouse = settings.duckdb_path()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if not landing.is_dir():
        raise FileNotFoundError(f"LANDING_DIR {landing} does not exist")
    load_id = uuid.uuid4().hex
    selected = context.selected_asset_keys
    selected_checks = context.selected_asset_check_keys
    for source in SOURCES:
        key = raw_asset_key(source.name)
        if key not in selected:
            continue
        # a short-lived connection per source: DuckDB allows one writer process
        with duckdb.connect(str(warehouse), config=LOADER_SETTINGS) as conn:
            result = load_source(conn, landing, source, load_id)
        context.log.info(
            f"{source.name}: {result.files_loaded} files loaded ({result.rows_landed} rows), "
            f"{result.files_duplicate} duplicate, {result.files_failed} failed, "
            f"{result.files_skipped} already loaded"
        )
        yield MaterializeResult(asset_key=key, metadata=result.as_metadata())
        if AssetCheckKey(key, UNREADABLE_CHECK) in selected_checks:
            yield AssetCheckResult(
                asset_key=key,
                check_name=UNREADABLE_CHECK,
                passed=result.files_failed == 0,
                severity=AssetCheckSeverity.WARN,
                metadata={
                    "files_failed": result.files_failed,
                    "failures": "; ".join(f"{p}: {e}" for p, e in result.failures) or "none",
                },
            )
    if MANIFEST_KEY in selected:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            by_status = dict(
                conn.execute(
                    f"select status, count(*) from {RAW_SCHEMA}.{MANIFEST_TABLE} group by 1"
                ).fetchall()
            )
        yield MaterializeResult(
            asset_key=MANIFEST_KEY,
            metadata={f"files_{status}": int(n) for status, n in by_status.items()},
        )


class SmsAttributionDbtTranslator(DagsterDbtTranslator):
    """The one place that decides groups and freshness of the dbt assets: a model's
    group is its layer (top folder under models/), public marts get the morning
    freshness policy, everything else the day-old window."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props.get("resource_type") not in ("model", "seed", "snapshot"):
            return spec
        fqn = props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else "seeds" if props["resource_type"] == "seed" else "dbt"
        is_public = props.get("config", {}).get("schema") in PUBLIC_SCHEMAS
        return spec.replace_attributes(
            group_name=layer,
            freshness_policy=PUBLIC_FRESHNESS if is_public else INTERNAL_FRESHNESS,
        )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=SmsAttributionDbtTranslator(),
    name="sms_attribution_dbt",
)
def sms_attribution_dbt(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    yield from dbt.cli(["build"], context=context).stream()


# bot scoring: staged clicks -> scoring/click_bot_scores -> the dbt models reading it.
# Dagster then runs the dbt multi-asset in several steps around the Python asset. dbt's
# default (eager) indirect selection would run a test in the first step whose model is
# only built in a later one (a relationships test to a seed, say): `buildable` runs a
# test in the step that builds its model, once its other parents exist.
click_bot_scores = build_click_bot_scores_asset(sms_attribution_dbt, INTERNAL_FRESHNESS)
# data-driven attribution: journeys -> weights/attribution_weights -> Markov and Shapley marts.
attribution_weights = build_attribution_weights_asset(sms_attribution_dbt, INTERNAL_FRESHNESS)
# experiments: members and variants -> experiments/* (scipy) -> rpt_ab_tests, rpt_incrementality,
# rpt_attribution_calibration.
experiment_statistics = build_experiment_statistics_asset(sms_attribution_dbt, INTERNAL_FRESHNESS)
os.environ.setdefault("DBT_INDIRECT_SELECTION", settings.INDIRECT_SELECTION)


nightly_job = define_asset_job(
    name="nightly",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Load every source's new files, then dbt build (models, unit tests, data tests).",
)

nightly_schedule = ScheduleDefinition(
    name="nightly_at_0300_utc",
    job=nightly_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
)


defs = Definitions(
    assets=[load_landing_zone, sms_attribution_dbt, click_bot_scores, attribution_weights, experiment_statistics],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=settings.executable("dbt"))},
    executor=in_process_executor,
)
