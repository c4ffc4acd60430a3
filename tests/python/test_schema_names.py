"""Schema names per target (macros/generate_schema_name.sql): the warehouse targets
write the contract's schema names; the `dev` target prefixes every schema with its
own, so two people on one Spark metastore never overwrite each other's tables."""

from __future__ import annotations

import json

import pytest

from conftest import run_dbt

CONTRACT_SCHEMAS = {"seeds", "staging", "intermediate", "core", "attribution", "reporting"}


def schemas_of(target: str, tmp_path, monkeypatch, dev_schema: str | None = None) -> dict[str, str]:
    if dev_schema:
        monkeypatch.setenv("DBT_DEV_SCHEMA", dev_schema)
    out = tmp_path / target
    run_dbt(["parse", "--target", target], tmp_path / "warehouse.duckdb", out)
    manifest = json.loads((out / "manifest.json").read_text())
    return {n["name"]: n["schema"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}


@pytest.mark.parametrize("target", ["duckdb", "spark"])
def test_warehouse_targets_write_the_contract_schema_names(target, tmp_path, monkeypatch):
    schemas = schemas_of(target, tmp_path, monkeypatch)
    assert set(schemas.values()) == CONTRACT_SCHEMAS
    assert schemas["fct_clicks"] == "core" and schemas["rpt_bot_traffic"] == "reporting"


def test_dev_target_prefixes_every_schema_with_its_own(tmp_path, monkeypatch):
    schemas = schemas_of("dev", tmp_path, monkeypatch, dev_schema="dev_alice")
    assert set(schemas.values()) == {f"dev_alice_{s}" for s in CONTRACT_SCHEMAS}
    other = schemas_of("dev", tmp_path / "bob", monkeypatch, dev_schema="dev_bob")
    assert not set(schemas.values()) & set(other.values()), "two developers share no schema"
