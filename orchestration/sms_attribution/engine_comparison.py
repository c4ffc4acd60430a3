"""Compare every dbt model on DuckDB and on Spark: the two engines give the same answer.

After the tiny landing zone is built on both targets (scripts/check.sh), this reads
every relation dbt built (models that are tables or views, seeds, snapshots; not
ephemeral models) from the DuckDB file and from the Spark metastore, and compares
per relation:

- the row count;
- the primary key: every column set that a `unique` or `unique_combination` test
  declares on it, as the sorted list of its values (normalised to strings, so an
  INTEGER on one engine and a BIGINT on the other compare equal);
- per column: the null count, and by kind the sum (integers exactly; floats and
  decimals to a relative 1e-9 of the sum of absolute values), the sum of epoch
  milliseconds or days (timestamps, dates), the count of true (booleans), the sum
  of lengths, the least and the greatest value (strings), and the distinct count
  (all of these except floats and nested types).

Each engine's own manifest names its relations (`target/manifest.json` for
DuckDB, `target/spark/manifest.json` for Spark), so a schema that depends on the
target is found on both. Any difference is printed as (model, column, metric,
DuckDB value, Spark value) and makes the exit status 1.

    python -m sms_attribution.engine_comparison [--duckdb-path ...] [--spark-data-dir ...]

`compare_profiles` is the pure part (tests/python/test_engine_comparison.py);
`profile_relation` computes a profile on either engine through a `run(sql)`
callable, so the tests profile in-memory DuckDB databases without Spark.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from . import settings

RELATIVE_TOLERANCE = 1e-9
BUILT_RESOURCE_TYPES = ("model", "seed", "snapshot")
MAX_KEY_EXAMPLES = 5


# --------------------------------------------------------------------------- manifest


@dataclass(frozen=True)
class Relation:
    unique_id: str
    name: str
    schema: str
    identifier: str
    resource_type: str
    keys: tuple[tuple[str, ...], ...] = ()

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.identifier}"


def relations_from_manifest(manifest: dict) -> dict[str, Relation]:
    """Every relation dbt builds (not ephemeral models), by unique_id, with the
    column sets that its `unique` / `unique_combination` tests declare as keys."""
    keys: dict[str, list[tuple[str, ...]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        meta = node["test_metadata"]
        kwargs = meta.get("kwargs") or {}
        attached = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), None)
        if meta["name"] == "unique" and kwargs.get("column_name"):
            columns: tuple[str, ...] = (kwargs["column_name"],)
        elif meta["name"] == "unique_combination" and kwargs.get("columns"):
            columns = tuple(kwargs["columns"])
        else:
            continue
        if attached and columns not in keys.setdefault(attached, []):
            keys[attached].append(columns)
    relations = {}
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] not in BUILT_RESOURCE_TYPES:
            continue
        if node["config"].get("materialized") == "ephemeral":
            continue
        relations[uid] = Relation(
            unique_id=uid,
            name=node["name"],
            schema=node["schema"],
            identifier=node.get("alias") or node["name"],
            resource_type=node["resource_type"],
            keys=tuple(sorted(keys.get(uid, []))),
        )
    return relations


# --------------------------------------------------------------------------- profiles


@dataclass
class ColumnProfile:
    kind: str  # integer, float, decimal, boolean, string, timestamp, date, other
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class Profile:
    row_count: int
    columns: dict[str, ColumnProfile]
    keys: dict[tuple[str, ...], list[tuple[str, ...]]]


def column_kind(type_name: str) -> str:
    """A coarse kind from a DuckDB or Spark type name."""
    t = type_name.strip().lower()
    if t.endswith("[]") or t.startswith(("array", "struct", "map", "list", "union")):
        return "other"
    if t in {"tinyint", "smallint", "int", "integer", "bigint", "hugeint", "long", "short", "byte",
             "utinyint", "usmallint", "uinteger", "ubigint", "uhugeint", "int1", "int2", "int4", "int8"}:
        return "integer"
    if t in {"double", "float", "real", "float4", "float8", "double precision"}:
        return "float"
    if t.startswith(("decimal", "numeric")):
        return "decimal"
    if t in {"boolean", "bool"}:
        return "boolean"
    if t.startswith(("varchar", "string", "char", "text")):
        return "string"
    if t.startswith("timestamp"):
        return "timestamp"
    if t == "date":
        return "date"
    return "other"


NUMERIC_KINDS = {"integer", "float", "decimal"}


@dataclass(frozen=True)
class Dialect:
    quote: Callable[[str], str]
    epoch_ms: Callable[[str], str]
    epoch_days: Callable[[str], str]


DUCKDB = Dialect(
    quote=lambda c: '"' + c.replace('"', '""') + '"',
    epoch_ms=lambda c: f"epoch_ms({c})",
    epoch_days=lambda c: f"({c} - date '1970-01-01')",
)
SPARK = Dialect(
    quote=lambda c: "`" + c.replace("`", "``") + "`",
    epoch_ms=lambda c: f"unix_millis({c})",
    epoch_days=lambda c: f"datediff({c}, date '1970-01-01')",
)


def _stat_expressions(column: str, kind: str, d: Dialect) -> dict[str, str]:
    c = d.quote(column)
    exprs = {"nulls": f"count(*) - count({c})"}
    if kind in NUMERIC_KINDS:
        exprs["sum"] = f"sum({c})"
        exprs["sum_abs"] = f"sum(abs({c}))"
    if kind == "boolean":
        exprs["trues"] = f"sum(case when {c} then 1 else 0 end)"
    if kind == "string":
        exprs["sum_length"] = f"sum(length({c}))"
    if kind == "timestamp":
        exprs["sum_epoch_ms"] = f"sum({d.epoch_ms(c)})"
    if kind == "date":
        exprs["sum_epoch_days"] = f"sum({d.epoch_days(c)})"
    if kind in {"integer", "decimal", "boolean", "string", "timestamp", "date"}:
        exprs["distinct"] = f"count(distinct {c})"
    if kind == "string":
        # Catches values built in another order (a list aggregated unsorted).
        exprs["min"] = f"min({c})"
        exprs["max"] = f"max({c})"
    return exprs


def normalise(value: Any) -> str:
    """One spelling per value across engines and drivers (keys compare as strings)."""
    if value is None:
        return "<null>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def profile_relation(
    run: Callable[[str], list[tuple]],
    relation: str,
    column_types: Iterable[tuple[str, str]],
    keys: Iterable[tuple[str, ...]],
    dialect: Dialect,
) -> Profile:
    """Profile one relation on one engine. `run(sql)` returns the rows of a query;
    `column_types` is (name, engine type name) per column."""
    columns = {name: ColumnProfile(column_kind(type_name)) for name, type_name in column_types}
    lowered = {name.lower(): name for name in columns}
    select = ["count(*)"]
    slots: list[tuple[str, str]] = []
    for name, col in columns.items():
        for stat, expr in _stat_expressions(name, col.kind, dialect).items():
            select.append(expr)
            slots.append((name, stat))
    row = run(f"select {', '.join(select)} from {relation}")[0]
    for (name, stat), value in zip(slots, row[1:]):
        columns[name].stats[stat] = value
    key_values: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key in keys:
        actual = [lowered.get(k.lower(), k) for k in key]
        rows = run(f"select {', '.join(dialect.quote(k) for k in actual)} from {relation}")
        key_values[tuple(key)] = sorted(tuple(normalise(v) for v in r) for r in rows)
    return Profile(row_count=int(row[0]), columns=columns, keys=key_values)


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Difference:
    model: str
    column: str
    metric: str
    duckdb: Any
    spark: Any

    def __str__(self) -> str:
        return f"{self.model}.{self.column}: {self.metric} differs (duckdb {self.duckdb!r}, spark {self.spark!r})"


def _numbers_equal(a: Any, b: Any, scale: Any = None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    fa, fb = float(a), float(b)
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) and math.isnan(fb)
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)) and Decimal(a) == Decimal(b):
        return True
    bound = max(abs(fa), abs(fb), abs(float(scale)) if scale is not None else 0.0)
    return abs(fa - fb) <= RELATIVE_TOLERANCE * bound


def compare_profiles(model: str, duckdb: Profile | None, spark: Profile | None) -> list[Difference]:
    """Every difference between one model's profiles on the two engines (a missing
    profile is a model missing on that engine)."""
    if duckdb is None or spark is None:
        if duckdb is None and spark is None:
            return []
        return [Difference(model, "*", "relation",
                           "present" if duckdb else "missing", "present" if spark else "missing")]
    out: list[Difference] = []
    if duckdb.row_count != spark.row_count:
        out.append(Difference(model, "*", "row count", duckdb.row_count, spark.row_count))
    for key in sorted(set(duckdb.keys) | set(spark.keys)):
        label = "key(" + ", ".join(key) + ")"
        a, b = duckdb.keys.get(key), spark.keys.get(key)
        if a is None or b is None or a == b:
            continue
        from collections import Counter

        only_a = sorted((Counter(a) - Counter(b)).elements())
        only_b = sorted((Counter(b) - Counter(a)).elements())
        out.append(Difference(
            model, label, "primary key values",
            f"{len(only_a)} only here, e.g. {only_a[:MAX_KEY_EXAMPLES]}",
            f"{len(only_b)} only here, e.g. {only_b[:MAX_KEY_EXAMPLES]}",
        ))
    spark_columns = {name.lower(): col for name, col in spark.columns.items()}
    duck_columns = {name.lower(): (name, col) for name, col in duckdb.columns.items()}
    for lowered in sorted(set(duck_columns) | set(spark_columns)):
        if lowered not in spark_columns:
            out.append(Difference(model, duck_columns[lowered][0], "column", "present", "missing"))
            continue
        if lowered not in duck_columns:
            out.append(Difference(model, lowered, "column", "missing", "present"))
            continue
        name, a_col = duck_columns[lowered]
        b_col = spark_columns[lowered]
        if a_col.kind != b_col.kind and not (a_col.kind in NUMERIC_KINDS and b_col.kind in NUMERIC_KINDS):
            out.append(Difference(model, name, "type", a_col.kind, b_col.kind))
            continue
        for stat in sorted(set(a_col.stats) & set(b_col.stats)):
            if stat == "sum_abs":
                continue
            a, b = a_col.stats[stat], b_col.stats[stat]
            scale = None
            if stat == "sum":
                sa, sb = a_col.stats.get("sum_abs"), b_col.stats.get("sum_abs")
                scale = max((float(s) for s in (sa, sb) if s is not None), default=None)
            if stat in {"min", "max"}:
                if a != b:
                    out.append(Difference(model, name, stat, a, b))
                continue
            if not _numbers_equal(a, b, scale):
                out.append(Difference(model, name, stat, a, b))
    return out


# --------------------------------------------------------------------------- engines


def spark_conf_from_profiles(profiles_path: Path) -> dict[str, str]:
    """The Spark target's server_side_parameters in profiles.yml, env_var() rendered."""
    import yaml

    text = profiles_path.read_text()
    pattern = re.compile(r"""\{\{\s*env_var\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]*)['"])?\s*\)\s*\}\}""")
    rendered = pattern.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), text)
    profile = yaml.safe_load(rendered)
    outputs = next(iter(profile.values()))["outputs"]
    return {k: str(v) for k, v in outputs["spark"].get("server_side_parameters", {}).items()}


def spark_session(conf: dict[str, str]):
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("sms_attribution_engine_comparison").master("local[*]").enableHiveSupport()
        .config("spark.ui.showConsoleProgress", "false")
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def duckdb_profiles(duckdb_file: Path, relations: dict[str, Relation]) -> dict[str, Profile | None]:
    import duckdb

    out: dict[str, Profile | None] = {}
    with duckdb.connect(str(duckdb_file), read_only=True) as conn:
        present = {
            (s.lower(), t.lower()): (s, t)
            for s, t in conn.execute("select table_schema, table_name from information_schema.tables").fetchall()
        }
        for uid, rel in relations.items():
            found = present.get((rel.schema.lower(), rel.identifier.lower()))
            if not found:
                out[uid] = None
                continue
            types = conn.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                list(found),
            ).fetchall()
            out[uid] = profile_relation(
                lambda sql: conn.execute(sql).fetchall(),
                f'"{found[0]}"."{found[1]}"', types, rel.keys, DUCKDB,
            )
    return out


def spark_profiles(spark, relations: dict[str, Relation], workers: int = 3) -> dict[str, Profile | None]:
    """Profiles on Spark; a few relations at a time (each query is small, so the
    driver's per-query overhead dominates and overlaps well)."""
    from concurrent.futures import ThreadPoolExecutor

    existing: dict[str, set[str]] = {}
    for schema in sorted({rel.schema.lower() for rel in relations.values()}):
        try:
            existing[schema] = {t.name.lower() for t in spark.catalog.listTables(schema)}
        except Exception:  # the database itself is missing
            existing[schema] = set()

    def one(rel: Relation) -> Profile | None:
        if rel.identifier.lower() not in existing[rel.schema.lower()]:
            return None
        name = f"`{rel.schema}`.`{rel.identifier}`"
        types = spark.table(name).dtypes
        return profile_relation(
            lambda sql: [tuple(r) for r in spark.sql(sql).collect()],
            name, types, rel.keys, SPARK,
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {uid: pool.submit(one, rel) for uid, rel in relations.items()}
        return {uid: future.result() for uid, future in futures.items()}


def compare_engines(
    duckdb_file: Path, spark_data_dir: Path, duckdb_manifest: Path, spark_manifest: Path, profiles_path: Path
) -> tuple[list[Difference], list[str]]:
    """(differences, notes) over every relation of either manifest."""
    duck_relations = relations_from_manifest(json.loads(duckdb_manifest.read_text()))
    spark_relations = relations_from_manifest(json.loads(spark_manifest.read_text()))
    notes = []
    for uid in sorted(set(duck_relations) | set(spark_relations)):
        rel = duck_relations.get(uid) or spark_relations[uid]
        if not rel.keys:
            notes.append(f"{rel.name}: no unique or unique_combination test, primary key not compared")
    duck = duckdb_profiles(duckdb_file, duck_relations)
    os.environ["SPARK_DATA_DIR"] = str(spark_data_dir)
    spark = spark_session(spark_conf_from_profiles(profiles_path))
    try:
        sparks = spark_profiles(spark, spark_relations)
    finally:
        spark.stop()
    differences: list[Difference] = []
    for uid in sorted(set(duck_relations) | set(spark_relations)):
        rel = duck_relations.get(uid) or spark_relations[uid]
        differences += compare_profiles(rel.name, duck.get(uid), sparks.get(uid))
    return differences, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb-path", type=Path, default=None)
    parser.add_argument("--spark-data-dir", type=Path, default=None)
    parser.add_argument("--manifest", type=Path, default=settings.PROJECT_DIR / "target" / "manifest.json",
                        help="the DuckDB target's manifest")
    parser.add_argument("--spark-manifest", type=Path,
                        default=settings.PROJECT_DIR / "target" / "spark" / "manifest.json")
    parser.add_argument("--profiles", type=Path, default=settings.PROJECT_DIR / "profiles.yml")
    args = parser.parse_args(argv)
    # pyspark turns timestamps into Python datetimes in the process's zone: UTC, as
    # the session's, so both engines' key values read the same instant.
    os.environ["TZ"] = "UTC"
    time.tzset()
    started = time.monotonic()
    differences, notes = compare_engines(
        args.duckdb_path or settings.duckdb_path(),
        args.spark_data_dir or settings.spark_data_dir(),
        args.manifest, args.spark_manifest, args.profiles,
    )
    relations = relations_from_manifest(json.loads(args.manifest.read_text()))
    for note in notes:
        print(f"note: {note}")
    models = sorted({d.model for d in differences})
    print(f"compared {len(relations)} relations on DuckDB and Spark in {time.monotonic() - started:.0f} s: "
          f"{len(differences)} differences in {len(models)} models")
    for difference in differences:
        print(f"DIFFERENCE {difference}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
