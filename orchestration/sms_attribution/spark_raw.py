"""Publish the raw tables to the Spark target.

The load has one code path: files are read and checked once, by the loader, into
DuckDB's `raw` schema (`loading.py`). For the `spark` dbt target, this module then
publishes those same raw tables to Spark: each is exported to Parquet and saved as a
Hive table `raw.<source>` in the local metastore that dbt-spark's session reads
(SPARK_DATA_DIR, the same settings as profiles.yml). Both engines therefore build
from identical raw rows, parse errors included.

    python -m sms_attribution.spark_raw        # after a load
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
from pathlib import Path

import duckdb

from . import settings
from .sources import MANIFEST_TABLE, RAW_SCHEMA, SOURCES

log = logging.getLogger(__name__)

RAW_TABLES = [s.raw_table for s in SOURCES] + [MANIFEST_TABLE]
# Tables the Python assets write (schema, table), published too when DuckDB has them:
# dbt reads them as sources on both engines.
ASSET_TABLES = [("scoring", "click_bot_scores"), ("weights", "attribution_weights"),
                ("experiments", "ab_test_statistics"), ("experiments", "incrementality_statistics")]


def spark_session(spark_data_dir: Path):
    """A local Spark session configured as dbt-spark's `session` method is in
    profiles.yml, so tables saved here are the ones dbt sees."""
    from pyspark.sql import SparkSession

    spark_data_dir.mkdir(parents=True, exist_ok=True)
    builder = (
        SparkSession.builder.appName("sms_attribution_raw")
        .master("local[*]")
        .enableHiveSupport()
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(spark_data_dir / "warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_data_dir / 'metastore_db'};create=true",
        )
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
    )
    return builder.getOrCreate()


def publish_raw_to_spark(duckdb_file: Path, spark_data_dir: Path) -> dict[str, int]:
    """Replace Spark's raw tables (and the asset tables DuckDB has, ASSET_TABLES) with
    the DuckDB ones; returns rows per schema.table."""
    export_dir = Path(tempfile.mkdtemp(prefix="raw_parquet_", dir=spark_data_dir.parent if spark_data_dir.parent.exists() else None))
    counts: dict[str, int] = {}
    try:
        with duckdb.connect(str(duckdb_file), read_only=True) as conn:
            present = set(conn.execute("select schema_name, table_name from duckdb_tables()").fetchall())
            tables = [(RAW_SCHEMA, t) for t in RAW_TABLES] + [t for t in ASSET_TABLES if t in present]
            for schema, table in tables:
                target = export_dir / f"{schema}.{table}.parquet"
                conn.execute(
                    f"copy {schema}.{table} to '{target}' (format parquet)"
                )
                counts[f"{schema}.{table}"] = conn.execute(
                    f"select count(*) from {schema}.{table}"
                ).fetchone()[0]
        spark = spark_session(spark_data_dir)
        try:
            for schema in sorted({schema for schema, _ in tables}):
                spark.sql(f"create database if not exists {schema}")
            for schema, table in tables:
                frame = spark.read.parquet(str(export_dir / f"{schema}.{table}.parquet"))
                # DuckDB writes timestamps without a zone; they are UTC, and the
                # session zone is UTC, so a cast keeps the instant.
                for name, dtype in frame.dtypes:
                    if dtype == "timestamp_ntz":
                        frame = frame.withColumn(name, frame[name].cast("timestamp"))
                frame.write.mode("overwrite").format("parquet").saveAsTable(
                    f"{schema}.{table}"
                )
                log.info("published %s.%s to Spark (%d rows)", schema, table, counts[f"{schema}.{table}"])
        finally:
            spark.stop()
    finally:
        shutil.rmtree(export_dir, ignore_errors=True)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb-path", type=Path, default=None)
    parser.add_argument("--spark-data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = publish_raw_to_spark(
        args.duckdb_path or settings.duckdb_path(),
        args.spark_data_dir or settings.spark_data_dir(),
    )
    for table, rows in counts.items():
        print(f"{table}: {rows} rows")


if __name__ == "__main__":
    main()
