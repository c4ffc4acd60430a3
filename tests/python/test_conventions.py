"""The project's conventions, checked on dbt's manifest, so that a new model that
forgets one fails CI rather than a reviewer's memory.

Most are configuration: `dbt-bouncer.yml` (dbt-bouncer, run by scripts/check.sh
after `dbt parse`) checks that every model states its grain, has a unique test,
that public models enforce typed contracts without personal data, that sources
declare freshness, the names per layer and the clean layers (`source()` only in
staging, intermediate reads staging, reporting reads core). The tests here run
dbt-bouncer on a manifest broken on purpose, one convention at a time, to show
each configured check fails when it should, and keep in Python what dbt-bouncer
cannot express:

- a primary key tested unique *and* not_null (one column, or a
  unique_combination whose every column is tested not_null): dbt-bouncer checks
  the unique test only;
- every source table's freshness is measured on a declared loaded-at column;
- generic-test arguments sit under `arguments:` in the YAML as written (dbt 1.11
  does not validate this for DuckDB, so a misplaced key would pass silently).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR, run_dbt

# keys a generic test's entry may hold besides `arguments` (dbt's test properties)
TEST_PROPERTY_KEYS = {"arguments", "config", "name", "description"}


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("conventions_target")
    run_dbt(["parse"], target / "wh.duckdb", target)
    return target / "manifest.json"


@pytest.fixture(scope="module")
def manifest(manifest_path) -> dict:
    return json.loads(manifest_path.read_text())


def project_models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["package_name"] == "sms_attribution"]


def generic_tests_by_model(manifest: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        attached = node.get("attached_node")
        if attached:
            out.setdefault(attached, []).append(node)
    return out


def has_primary_key_tests(tests: list[dict]) -> bool:
    by_column: dict[str, set[str]] = {}
    combinations = []
    for test in tests:
        name = test["test_metadata"]["name"]
        if test.get("column_name"):
            by_column.setdefault(test["column_name"], set()).add(name)
        if name == "unique_combination":
            combinations.append(test["test_metadata"]["kwargs"]["columns"])
    if any({"unique", "not_null"} <= names for names in by_column.values()):
        return True
    return any(all("not_null" in by_column.get(c, set()) for c in cols) for cols in combinations)


def test_the_checks_see_the_project(manifest):
    models = project_models(manifest)
    assert len(models) > 40
    assert {m["schema"] for m in models} >= {"staging", "intermediate", "core", "reporting"}


def test_every_model_has_a_primary_key_tested_unique_and_not_null(manifest):
    tests = generic_tests_by_model(manifest)
    missing = [m["name"] for m in project_models(manifest)
               if not has_primary_key_tests(tests.get(m["unique_id"], []))]
    assert missing == []


def test_every_source_measures_freshness_on_a_loaded_at_column(manifest):
    """dbt-bouncer checks that freshness is declared; not on which column."""
    sources = [s for s in manifest["sources"].values() if s["package_name"] == "sms_attribution"]
    assert sources
    assert [s["unique_id"] for s in sources if not s.get("loaded_at_field")] == []


def _upstream_sources(manifest: dict, unique_id: str) -> set[str]:
    """The sources a node stands on, walking depends_on.nodes to the end."""
    seen, stack, sources = set(), [unique_id], set()
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        if node_id.startswith("source."):
            sources.add(node_id)
            continue
        node = manifest["nodes"].get(node_id) or manifest["exposures"].get(node_id) or {}
        stack.extend(node.get("depends_on", {}).get("nodes", []))
    return sources


def test_the_lineage_runs_from_the_landing_sources_to_the_exposures(manifest):
    """Every reporting mart is read by an exposure (what dbt docs shows at the end of
    the lineage), every exposure reads public marts only, and each stands on landing
    sources (the raw tables the loader writes) through the models."""
    exposures = [e for e in manifest["exposures"].values() if e["package_name"] == "sms_attribution"]
    assert exposures
    exposed = {n for e in exposures for n in e["depends_on"]["nodes"]}
    reporting = {m["unique_id"] for m in project_models(manifest) if m["schema"] == "reporting"}
    assert sorted(reporting - exposed) == []
    public = {m["unique_id"] for m in project_models(manifest)
              if m["schema"] in ("core", "attribution", "reporting")}
    assert sorted(exposed - public) == []
    raw_sources = {s["unique_id"] for s in manifest["sources"].values() if s["schema"] == "raw"}
    for exposure in exposures:
        reached = _upstream_sources(manifest, exposure["unique_id"])
        assert reached & raw_sources, f"{exposure['name']} reaches no landing source"
    # the main dashboards stand on the SMS platform's own sources at least
    overview = next(e for e in exposures if e["name"] == "dashboard_overview")
    assert {s.split(".")[-1] for s in _upstream_sources(manifest, overview["unique_id"])} >= {
        "sends", "twilio_messages", "clicks", "spend"}


def _generic_tests_in(node, where: str):
    """Yield (where, test name, its properties) for every generic test in a YAML node."""
    if isinstance(node, dict):
        for key in ("data_tests", "tests"):
            for entry in node.get(key) or []:
                if isinstance(entry, dict):
                    for name, props in entry.items():
                        yield where, name, props
        for key, value in node.items():
            if key not in ("data_tests", "tests", "unit_tests"):
                yield from _generic_tests_in(value, f"{where}.{key}" if isinstance(key, str) else where)
    elif isinstance(node, list):
        for item in node:
            label = item.get("name", "?") if isinstance(item, dict) else "?"
            yield from _generic_tests_in(item, f"{where}[{label}]")


def test_generic_test_arguments_sit_under_arguments():
    misplaced = []
    files = sorted((PROJECT_DIR / "models").rglob("*.yml")) + sorted((PROJECT_DIR / "seeds").rglob("*.yml"))
    assert files
    for path in files:
        document = yaml.safe_load(path.read_text()) or {}
        for where, name, props in _generic_tests_in(document, path.name):
            if props is None:
                continue
            assert isinstance(props, dict), f"{where}: {name}"
            stray = set(props) - TEST_PROPERTY_KEYS
            if stray:
                misplaced.append(f"{where}: {name} has {sorted(stray)} outside `arguments:`")
    assert misplaced == []


def test_the_yaml_check_finds_a_misplaced_argument():
    document = yaml.safe_load("""
models:
  - name: m
    columns:
      - name: c
        data_tests:
          - not_null
          - accepted_values:
              values: [a, b]
          - relationships:
              arguments: {to: "ref('n')", field: c}
""")
    found = [(name, sorted(set(props or {}) - TEST_PROPERTY_KEYS))
             for _, name, props in _generic_tests_in(document, "doc")]
    assert found == [("accepted_values", ["values"]), ("relationships", [])]


# --------------------------------------------------------------- dbt-bouncer

def run_bouncer(manifest: dict, where: Path) -> tuple[int, set[str]]:
    """Run dbt-bouncer with the project's config on `manifest`; (exit code, failed check names)."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "manifest.json").write_text(json.dumps(manifest))
    config = yaml.safe_load((PROJECT_DIR / "dbt-bouncer.yml").read_text())
    config["dbt_artifacts_dir"] = str(where)
    (where / "dbt-bouncer.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    bouncer = Path(sys.executable).parent / "dbt-bouncer"
    result = subprocess.run(
        [str(bouncer) if bouncer.exists() else shutil.which("dbt-bouncer") or "dbt-bouncer",
         "--config-file", str(where / "dbt-bouncer.yml"),
         "--output-file", str(where / "results.json"), "--output-format", "json", "--output-only-failures"],
        cwd=where, capture_output=True, text=True,
    )
    failed = set()
    if (where / "results.json").exists():
        results = json.loads((where / "results.json").read_text())
        rows = results if isinstance(results, list) else results.get("results", [])
        failed = {row["check_run_id"].split(":")[0] for row in rows if row.get("outcome") != "success"}
    return result.returncode, failed


def _node(manifest: dict, name: str) -> dict:
    return next(n for n in manifest["nodes"].values()
                if n["resource_type"] == "model" and n["name"] == name)


def _no_grain(m):
    _node(m, "fct_conversions")["description"] = "Conversions."


def _contract_off(m):
    node = _node(m, "fct_conversions")
    node["config"]["contract"]["enforced"] = False  # as dbt writes it: in the config and on the node
    node["contract"]["enforced"] = False


def _untyped_column(m):
    column = next(iter(_node(m, "fct_clicks")["columns"].values()))
    column["data_type"] = None


def _phone_in_core(m):
    node = _node(m, "dim_persons")
    node["columns"]["phone"] = {**next(iter(node["columns"].values())), "name": "phone"}


def _source_in_intermediate(m):
    source = next(iter(m["sources"]))
    _node(m, "int_conversion_paths")["depends_on"]["nodes"].append(source)


def _base_in_intermediate(m):
    base = next(n["unique_id"] for n in m["nodes"].values() if n["name"].startswith("base_"))
    _node(m, "int_conversion_paths")["depends_on"]["nodes"].append(base)


def _staging_in_reporting(m):
    staging = next(n["unique_id"] for n in m["nodes"].values() if n["name"].startswith("stg_"))
    _node(m, "rpt_bot_traffic")["depends_on"]["nodes"].append(staging)


def _no_unique_test(m):
    target = _node(m, "fct_clicks")["unique_id"]
    for node in m["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node") == target \
                and (node.get("test_metadata") or {}).get("name") in ("unique", "unique_combination"):
            node["test_metadata"]["name"] = "not_null"


def _no_freshness(m):
    next(iter(m["sources"].values()))["freshness"] = None


def _misnamed_model(m):
    node = _node(m, "int_conversion_paths")
    node["name"] = "conversion_paths"


BREAKS = {
    "check_model_description_contains_regexp_pattern": _no_grain,
    "check_model_has_contracts_enforced": _contract_off,
    "check_model_columns_have_types": _untyped_column,
    "check_model_column_names": _phone_in_core,
    "check_lineage_source_cannot_be_used": _source_in_intermediate,
    "check_lineage_permitted_upstream_models": _base_in_intermediate,
    "check_model_has_unique_test": _no_unique_test,
    "check_source_freshness_populated": _no_freshness,
    "check_model_names": _misnamed_model,
}


def test_dbt_bouncer_passes_on_the_project(manifest, tmp_path):
    code, failed = run_bouncer(manifest, tmp_path)
    assert (code, failed) == (0, set())


@pytest.mark.parametrize("check", sorted(BREAKS))
def test_dbt_bouncer_fails_on_a_deliberate_break(manifest, tmp_path, check):
    broken = copy.deepcopy(manifest)
    BREAKS[check](broken)
    code, failed = run_bouncer(broken, tmp_path)
    assert code != 0
    assert failed == {check}


def test_reporting_may_not_read_staging(manifest, tmp_path):
    broken = copy.deepcopy(manifest)
    _staging_in_reporting(broken)
    code, failed = run_bouncer(broken, tmp_path)
    assert (code != 0, failed) == (True, {"check_lineage_permitted_upstream_models"})
