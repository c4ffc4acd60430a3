"""The engine comparison reports every difference with its model and column, and
none on equal inputs. Both sides are profiled from in-memory DuckDB databases
(no Spark); the Spark run itself is a step of scripts/check.sh."""

from __future__ import annotations

import duckdb
import pytest

from sms_attribution.engine_comparison import (
    DUCKDB,
    Profile,
    compare_profiles,
    profile_relation,
    relations_from_manifest,
)

TABLE = """
create table t as select * from (values
    (1, 'a', 10.0::double, 2.50::decimal(18, 2), true,  timestamp '2026-01-01 10:00:00', date '2026-01-01'),
    (2, 'b', 20.0::double, 1.25::decimal(18, 2), false, timestamp '2026-01-02 11:30:00', null),
    (3, null, 30.5::double, null,                null,  null,                            date '2026-01-03')
) v(order_id, code, amount, fee, is_paid, paid_at, paid_on)
"""


def profile(*statements: str, keys=(("order_id",),)) -> Profile:
    conn = duckdb.connect(":memory:")
    conn.execute(TABLE)
    for statement in statements:
        conn.execute(statement)
    types = conn.execute(
        "select column_name, data_type from information_schema.columns where table_name = 't' order by ordinal_position"
    ).fetchall()
    return profile_relation(lambda sql: conn.execute(sql).fetchall(), "t", types, keys, DUCKDB)


def test_equal_inputs_pass():
    assert compare_profiles("fct_orders", profile(), profile()) == []


def test_a_float_sum_one_in_a_million_off_is_reported_with_model_and_column():
    differences = compare_profiles("fct_orders", profile(), profile("update t set amount = amount * (1 + 1e-6)"))
    assert [(d.model, d.column, d.metric) for d in differences] == [("fct_orders", "amount", "sum")]


def test_float_sums_equal_to_rounding_pass():
    # Another summation order changes the last bits only.
    assert compare_profiles("fct_orders", profile(), profile("update t set amount = amount * (1 + 1e-13)")) == []


def test_a_different_key_set_is_reported():
    differences = compare_profiles("fct_orders", profile(), profile("update t set order_id = 4 where order_id = 3"))
    assert ("fct_orders", "key(order_id)", "primary key values") in [(d.model, d.column, d.metric) for d in differences]
    key = next(d for d in differences if d.metric == "primary key values")
    assert "'3'" in key.duckdb and "'4'" in key.spark


def test_a_different_row_count_is_reported():
    differences = compare_profiles("fct_orders", profile(), profile("insert into t values (4, 'd', 0.0, 0, true, null, null)"))
    assert ("fct_orders", "*", "row count", 3, 4) in [(d.model, d.column, d.metric, d.duckdb, d.spark) for d in differences]


@pytest.mark.parametrize(
    ("statement", "column", "metric"),
    [
        ("update t set code = null where order_id = 2", "code", "nulls"),
        ("update t set code = 'bb' where order_id = 2", "code", "sum_length"),
        ("update t set is_paid = true where order_id = 2", "is_paid", "trues"),
        ("update t set paid_at = paid_at + interval 1 hour where order_id = 1", "paid_at", "sum_epoch_ms"),
        ("update t set paid_on = date '2026-01-02' where order_id = 1", "paid_on", "sum_epoch_days"),
        ("update t set fee = 2.51 where order_id = 1", "fee", "sum"),
    ],
)
def test_each_column_kind_is_compared(statement, column, metric):
    differences = compare_profiles("fct_orders", profile(), profile(statement))
    assert ("fct_orders", column, metric) in [(d.model, d.column, d.metric) for d in differences]


def test_integer_and_bigint_keys_and_all_null_sums_compare_equal():
    a = profile("update t set fee = null")
    b = profile("alter table t alter order_id type bigint", "update t set fee = null")
    assert compare_profiles("fct_orders", a, b) == []


def test_a_model_missing_on_one_engine_is_a_difference():
    differences = compare_profiles("fct_orders", profile(), None)
    assert [(d.model, d.column, d.metric, d.spark) for d in differences] == [("fct_orders", "*", "relation", "missing")]


def test_a_missing_column_is_a_difference():
    differences = compare_profiles("fct_orders", profile(), profile("alter table t drop column code"))
    assert [(d.model, d.column, d.metric) for d in differences] == [("fct_orders", "code", "column")]


def test_keys_come_from_unique_and_unique_combination_tests_and_ephemeral_models_are_skipped():
    manifest = {"nodes": {
        "model.p.a": {"resource_type": "model", "name": "a", "schema": "core", "alias": "a",
                      "config": {"materialized": "table"}},
        "model.p.e": {"resource_type": "model", "name": "e", "schema": "core", "alias": "e",
                      "config": {"materialized": "ephemeral"}},
        "seed.p.s": {"resource_type": "seed", "name": "s", "schema": "seeds", "alias": "s",
                     "config": {"materialized": "seed"}},
        "test.p.u": {"resource_type": "test", "config": {"materialized": "test"}, "attached_node": "model.p.a",
                     "depends_on": {"nodes": ["model.p.a"]},
                     "test_metadata": {"name": "unique", "kwargs": {"column_name": "a_id"}}},
        "test.p.c": {"resource_type": "test", "config": {"materialized": "test"}, "attached_node": "seed.p.s",
                     "depends_on": {"nodes": ["seed.p.s"]},
                     "test_metadata": {"name": "unique_combination", "kwargs": {"columns": ["x", "y"]}}},
    }}
    relations = relations_from_manifest(manifest)
    assert sorted(relations) == ["model.p.a", "seed.p.s"]
    assert relations["model.p.a"].keys == (("a_id",),)
    assert relations["seed.p.s"].keys == (("x", "y"),)


def test_strings_in_another_order_are_reported():
    differences = compare_profiles("rpt", profile("update t set code = 'a; b' where order_id = 1"),
                                   profile("update t set code = 'b; a' where order_id = 1"))
    assert ("rpt", "code", "max") in [(d.model, d.column, d.metric) for d in differences]
