"""The project's conventions, checked on dbt's manifest and on the YAML as written,
so that a new model that forgets one fails CI rather than a reviewer's memory:

- every model's description states its grain ("One row per ...");
- every model has a primary key tested unique and not_null (one column, or a
  unique_combination whose every column is tested not_null);
- public models (core, attribution, reporting) enforce their contract and type
  every column, and carry no personal data (phones, emails, IP addresses, user
  agents): those stay in raw and staging;
- every source table declares freshness on a loaded-at column;
- generic-test arguments sit under `arguments:` (dbt 1.11 does not validate this
  for DuckDB, so a misplaced key would pass silently).
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from conftest import PROJECT_DIR, run_dbt

PUBLIC_SCHEMAS = {"core", "attribution", "reporting"}
PERSONAL_DATA_COLUMN = re.compile(r"(^|_)(phone|email|ip|ip_address|user_agent|remote_addr)$")
# keys a generic test's entry may hold besides `arguments` (dbt's test properties)
TEST_PROPERTY_KEYS = {"arguments", "config", "name", "description"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("conventions_target")
    run_dbt(["parse"], target / "wh.duckdb", target)
    return json.loads((target / "manifest.json").read_text())


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


def test_every_model_states_its_grain(manifest):
    missing = [m["name"] for m in project_models(manifest)
               if not re.search(r"\bone row per\b", m.get("description") or "", re.IGNORECASE)]
    assert missing == []


def test_every_model_has_a_primary_key_tested_unique_and_not_null(manifest):
    tests = generic_tests_by_model(manifest)
    missing = [m["name"] for m in project_models(manifest)
               if not has_primary_key_tests(tests.get(m["unique_id"], []))]
    assert missing == []


def test_public_models_enforce_typed_contracts_without_personal_data(manifest):
    public = [m for m in project_models(manifest) if m["schema"] in PUBLIC_SCHEMAS]
    assert public, "no public model found"
    for model in public:
        assert model["config"]["contract"]["enforced"], model["name"]
        columns = model["columns"]
        assert columns, model["name"]
        untyped = [c for c, spec in columns.items() if not spec.get("data_type")]
        assert untyped == [], model["name"]
        personal = [c for c in columns if PERSONAL_DATA_COLUMN.search(c)]
        assert personal == [], f"{model['name']} exposes {personal}"


def test_every_source_declares_freshness_on_its_loaded_at_column(manifest):
    sources = [s for s in manifest["sources"].values() if s["package_name"] == "sms_attribution"]
    assert sources
    for source in sources:
        assert source.get("loaded_at_field"), source["unique_id"]
        freshness = source.get("freshness") or {}
        assert (freshness.get("warn_after") or {}).get("count") or (freshness.get("error_after") or {}).get("count"), \
            source["unique_id"]


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
