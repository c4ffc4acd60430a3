"""The loader: idempotent, complete (every record lands, readable or not), exact
about where each record came from, and never stopped by one bad file."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import PROJECT_DIR, count_records_in_files, table_fingerprints
from sms_attribution.loading import load_all
from sms_attribution.sources import SOURCES


def raw_counts(warehouse: Path) -> dict[str, tuple[int, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {
            s.name: conn.execute(
                f"select count(*), count(_parse_error) from raw.{s.raw_table}"
            ).fetchone()
            for s in SOURCES
        }


def test_every_record_lands_and_unreadable_ones_are_flagged(fixture_landing, warehouse):
    load_all(warehouse, fixture_landing)
    counts = raw_counts(warehouse)
    for source in SOURCES:
        expected = count_records_in_files(fixture_landing, source.name)
        assert counts[source.name] == expected, source.name


def test_loading_twice_changes_nothing(fixture_landing, warehouse):
    load_all(warehouse, fixture_landing)
    before = table_fingerprints(warehouse, ("raw",))
    second = load_all(warehouse, fixture_landing)
    assert sum(r.files_loaded + r.files_failed + r.files_duplicate for r in second) == 0
    assert table_fingerprints(warehouse, ("raw",)) == before


def test_redelivered_file_under_new_name_is_recorded_not_loaded(fixture_landing, warehouse):
    load_all(warehouse, fixture_landing)
    before = table_fingerprints(warehouse, ("raw",))
    original = next((fixture_landing / "clicks").rglob("*.ndjson"))
    later_day = fixture_landing / "clicks" / "2026-11-09"
    later_day.mkdir()
    shutil.copy(original, later_day / "redelivered.ndjson")
    results = {r.source: r for r in load_all(warehouse, fixture_landing)}
    assert results["clicks"].files_duplicate == 1
    assert results["clicks"].rows_landed == 0
    raw_only = {k: v for k, v in table_fingerprints(warehouse, ("raw",)).items() if k != "raw.loaded_files"}
    assert raw_only == {k: v for k, v in before.items() if k != "raw.loaded_files"}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        status, duplicate_of = conn.execute(
            "select status, duplicate_of from raw.loaded_files where file_path = ?",
            ["clicks/2026-11-09/redelivered.ndjson"],
        ).fetchone()
    assert status == "duplicate"
    assert duplicate_of == original.relative_to(fixture_landing).as_posix()


def test_unreadable_file_is_recorded_and_other_files_still_load(fixture_landing, warehouse):
    broken = fixture_landing / "twilio_messages" / "2026-11-03" / "messages_page_1_truncated.json"
    assert broken.exists()
    results = {r.source: r for r in load_all(warehouse, fixture_landing)}
    assert results["twilio_messages"].files_failed == 1
    assert results["twilio_messages"].files_loaded >= 2
    assert results["clicks"].rows_landed > 0
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        status, error, rows = conn.execute(
            "select status, error, rows_landed from raw.loaded_files where file_path like '%truncated.json'"
        ).fetchone()
    assert (status, rows) == ("failed", 0)
    assert error


def test_csv_line_numbers_point_at_the_original_line(fixture_landing, warehouse):
    load_all(warehouse, fixture_landing)
    path = next((fixture_landing / "sends").rglob("*.csv"))
    relative = path.relative_to(fixture_landing).as_posix()
    lines = path.read_text().splitlines()
    header = next(csv.reader([lines[0]]))
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select _line_number, _record, _parse_error from raw.sends where _file_path = ?", [relative]
        ).fetchall()
    assert rows
    for line_number, record, parse_error in rows:
        fields = next(csv.reader([lines[line_number - 1]]))
        if parse_error is None:
            parsed = duckdb.sql(f"select unnest(json_keys(?::json))", params=[record]).fetchall()
            assert [k for (k,) in parsed] == header
            assert duckdb.sql("select ?::json->>'send_id'", params=[record]).fetchone()[0] == fields[0]
        else:
            assert record == lines[line_number - 1]
            assert len(fields) != len(header)


def test_registry_matches_dbt_sources_and_vars():
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    landing_sources = project["vars"]["landing_sources"]
    assert set(landing_sources) == {s.name for s in SOURCES}
    declared = {}
    for path in (PROJECT_DIR / "models" / "staging").rglob("_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                declared[table["name"]] = source["name"]
    for name, spec in landing_sources.items():
        assert declared.get(name) == spec["system"], name
        assert (
            list((PROJECT_DIR / "models").rglob(f"{spec['base_model']}.sql"))
        ), f"base model {spec['base_model']} missing"


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_every_source_declares_freshness_and_dagster_asset(source):
    for path in (PROJECT_DIR / "models" / "staging").rglob("_*__sources.yml"):
        for declared in yaml.safe_load(path.read_text())["sources"]:
            for table in declared["tables"]:
                if table["name"] == source:
                    assert declared["loaded_at_field"] == "_loaded_at"
                    assert declared["config"]["freshness"]["error_after"]["count"] > 0
                    assert table["meta"]["dagster"]["asset_key"] == ["raw", source]
                    return
    pytest.fail(f"{source} is not declared as a dbt source")
