"""The Dagster code location: loadable, and the nightly job materializes every
asset over a landing zone, with dbt's tests passing as asset checks."""

from __future__ import annotations

import json

import pytest
from dagster import AssetCheckSeverity, AssetKey, DagsterInstance, Definitions

from conftest import PROJECT_DIR, run_dbt
from sms_attribution.sources import SOURCES, FileFormat


@pytest.fixture(scope="module")
def definitions(tmp_path_factory):
    # dagster-dbt reads the project's target/manifest.json at import
    run_dbt(["parse"], tmp_path_factory.mktemp("parse") / "wh.duckdb", PROJECT_DIR / "target")
    from sms_attribution import definitions as module

    return module


def test_definitions_load(definitions):
    Definitions.validate_loadable(definitions.defs)
    repo = definitions.defs.get_repository_def()
    keys = {key for key in repo.asset_graph.get_all_asset_keys()}
    for source in SOURCES:
        assert AssetKey(["raw", source.name]) in keys
    # dbt sources are the raw assets themselves, so lineage is one graph
    stg = next(k for k in keys if k.path[-1] == "stg_shortlinks__clicks")
    upstream = repo.asset_graph.get(stg).parent_keys
    base = next(iter(upstream))
    assert AssetKey(["raw", "clicks"]) in repo.asset_graph.get(base).parent_keys
    assert definitions.defs.get_schedule_def("nightly_at_0300_utc").cron_schedule == "0 3 * * *"


def test_public_marts_have_the_morning_freshness_policy(definitions):
    repo = definitions.defs.get_repository_def()
    node = repo.asset_graph.get(AssetKey(["rpt_data_quality"])) if AssetKey(["rpt_data_quality"]) in repo.asset_graph.get_all_asset_keys() else None
    if node is None:
        node = next(repo.asset_graph.get(k) for k in repo.asset_graph.get_all_asset_keys() if k.path[-1] == "rpt_data_quality")
    assert node.freshness_policy == definitions.PUBLIC_FRESHNESS
    staging = next(repo.asset_graph.get(k) for k in repo.asset_graph.get_all_asset_keys() if k.path[-1] == "stg_twilio__messages")
    assert staging.freshness_policy == definitions.INTERNAL_FRESHNESS


def test_nightly_job_over_the_hand_written_landing_zone(definitions, fixture_landing, tmp_path, monkeypatch):
    monkeypatch.setenv("LANDING_DIR", str(fixture_landing))
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    result = definitions.defs.get_job_def("nightly").execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert evaluations, "dbt tests should surface as asset checks"
    failed_errors = [e for e in evaluations if not e.passed and e.severity == AssetCheckSeverity.ERROR]
    assert failed_errors == []
    # the load check warns exactly for the sources with a page file that is not JSON
    unreadable_sources = set()
    for source in SOURCES:
        if source.file_format is not FileFormat.JSON_PAGES or not (fixture_landing / source.name).is_dir():
            continue
        for path in (fixture_landing / source.name).rglob("*.json"):
            try:
                json.loads(path.read_text())
            except json.JSONDecodeError:
                unreadable_sources.add(source.name)
    warned = {
        e.asset_key.path[-1]
        for e in evaluations
        if not e.passed and e.check_name == "no_unreadable_files"
    }
    assert warned == unreadable_sources
    assert "twilio_messages" in warned
