"""Landing files into the warehouse's `raw` schema.

One raw table per source, with the same columns for every source:

    _record        the record as landed: the NDJSON line, the JSON page's array
                   element, or a CSV row as a JSON object of its header's fields
                   (strings, as written); for a CSV line that cannot be split into
                   the header's fields, the line's own text
    _parse_error   why the loader could not read the record as its format says
                   (`malformed_json`, `csv_field_count: expected 7, found 6`,
                   `invalid_utf8`), null when it could
    _file_path     the file, relative to LANDING_DIR
    _file_hash     sha256 of the file's bytes
    _line_number   the line the record starts on (NDJSON, CSV); for JSON pages,
                   the record's 1-based position in the page's array
    _delivery_date the delivery-day folder the file sat in
    _loaded_at     when it was loaded (UTC)
    _load_id       the load run that wrote it

Loading is idempotent: `raw.loaded_files` records every file seen (path, size,
hash, outcome). A file whose bytes were loaded before, under any name, is
recorded as a duplicate and not loaded again; a file already recorded at the
same path and size is skipped without being read (landing files are immutable by
contract). A file that cannot be read at all is recorded as `failed` with the
reason, and the other files and sources go on. Each file is loaded in its own
transaction, so a crash leaves no half-loaded file.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from .sources import MANIFEST_TABLE, RAW_SCHEMA, SOURCES, FileFormat, LandingSource

log = logging.getLogger(__name__)

_DAY_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STAGED = "_staged_file"  # temp table holding the file being loaded
_CSV_BATCH_ROWS = 200_000

RAW_COLUMNS_DDL = """
    _record varchar,
    _parse_error varchar,
    _file_path varchar not null,
    _file_hash varchar not null,
    _line_number bigint not null,
    _delivery_date date,
    _loaded_at timestamp not null,
    _load_id varchar not null
"""

MANIFEST_DDL = f"""
create table if not exists {RAW_SCHEMA}.{MANIFEST_TABLE} (
    load_id varchar not null,
    source varchar not null,
    file_path varchar not null,
    file_size_bytes bigint not null,
    file_hash varchar,
    delivery_date date,
    status varchar not null,            -- loaded | duplicate | failed
    rows_landed bigint not null,
    rows_with_parse_error bigint not null,
    error varchar,
    duplicate_of varchar,
    loaded_at timestamp not null
)
"""


# Each file is its own transaction; checkpointing the WAL after every few files
# (DuckDB's default threshold is 16 MB) costs a third of the load time.
LOADER_SETTINGS = {"checkpoint_threshold": "2GB"}


class FileUnreadable(Exception):
    """The file as a whole cannot be read in its source's format."""


@dataclass
class SourceLoadResult:
    source: str
    files_seen: int = 0
    files_loaded: int = 0
    files_skipped: int = 0  # already recorded at this path
    files_duplicate: int = 0  # same bytes as a file loaded before
    files_failed: int = 0
    rows_landed: int = 0
    rows_with_parse_error: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def as_metadata(self) -> dict[str, int | str]:
        meta: dict[str, int | str] = {
            k: v for k, v in self.__dict__.items() if isinstance(v, int)
        }
        if self.failures:
            meta["failed_files"] = "; ".join(f"{p}: {e}" for p, e in self.failures)
        return meta


def ensure_raw_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, the manifest and every source's table (empty if the
    landing zone has no folder for it yet, so every staging model can build)."""
    conn.execute(f"create schema if not exists {RAW_SCHEMA}")
    conn.execute(MANIFEST_DDL)
    for source in SOURCES:
        conn.execute(
            f"create table if not exists {RAW_SCHEMA}.{source.raw_table} ({RAW_COLUMNS_DDL})"
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(8 * 1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def landing_files(landing_dir: Path, source: LandingSource) -> list[tuple[Path, date | None]]:
    """Every file under LANDING_DIR/<source>/, in a stable order, with its delivery day.

    Files outside a YYYY-MM-DD folder are still loaded (with no delivery date),
    rather than silently ignored."""
    root = landing_dir / source.name
    if not root.is_dir():
        return []
    found: list[tuple[Path, date | None]] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.name.startswith("."):
            continue
        day_folder = path.parent.name
        delivery = (
            date.fromisoformat(day_folder) if _DAY_FOLDER.match(day_folder) else None
        )
        found.append((path, delivery))
    return found


# --------------------------------------------------------------------------- readers
# Each reader yields pyarrow batches with columns _record, _parse_error, _line_number.

_BATCH_SCHEMA = pa.schema(
    [("_record", pa.string()), ("_parse_error", pa.string()), ("_line_number", pa.int64())]
)


def _batch(records: list, errors: list, lines: list) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array(records, pa.string()), pa.array(errors, pa.string()), pa.array(lines, pa.int64())],
        schema=_BATCH_SCHEMA,
    )


def _read_ndjson_python(path: Path) -> Iterator[pa.RecordBatch]:
    """Line by line, for files DuckDB will not read as text (invalid UTF-8):
    every non-blank line lands; a line that is not valid UTF-8 is decoded with
    replacement characters and flagged."""
    records: list[str] = []
    errors: list[str | None] = []
    lines: list[int] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            try:
                text, error = raw.decode("utf-8"), None
            except UnicodeDecodeError:
                text, error = raw.decode("utf-8", errors="replace"), "invalid_utf8"
            records.append(text)
            errors.append(error)
            lines.append(number)
    yield _batch(records, errors, lines)


def _read_ndjson(conn: duckdb.DuckDBPyConnection, path: Path) -> Iterator[pa.RecordBatch]:
    # DuckDB splits the file into lines in C++; the list position is the line number.
    # The lines go straight into the staging table, never through Python.
    query = f"""
        create or replace temp table {_STAGED} as
        select
            line as _record,
            case when not json_valid(line) then 'malformed_json' end as _parse_error,
            line_number::bigint as _line_number
        from (
            select rtrim(unnest(lines), chr(13)) as line, generate_subscripts(lines, 1) as line_number
            from (select string_split(content, chr(10)) as lines from read_text(?))
        )
        -- blank lines are not records (a whitespace-only one lands as malformed)
        where line <> ''
    """
    try:
        conn.execute(query, [str(path)])
    except duckdb.InvalidInputException as exc:
        if "UTF-8" not in str(exc):
            raise FileUnreadable(str(exc).splitlines()[0]) from exc
        for batch in _read_ndjson_python(path):
            # the Python reader does not check JSON; DuckDB does it on the batch
            checked = conn.execute(
                """select _record,
                          coalesce(_parse_error,
                                   case when not json_valid(_record) then 'malformed_json' end)
                              as _parse_error,
                          _line_number
                   from batch"""
            ).to_arrow_table()
            yield from checked.to_batches()
        return
    yield from ()


def _read_json_pages(
    conn: duckdb.DuckDBPyConnection, path: Path, records_key: str
) -> Iterator[pa.RecordBatch]:
    try:
        valid, kind = conn.execute(
            "select json_valid(content), json_type(content, ?) from read_text(?)",
            [f"$.{records_key}", str(path)],
        ).fetchone()
    except duckdb.Error as exc:
        raise FileUnreadable(str(exc).splitlines()[0]) from exc
    if not valid:
        raise FileUnreadable("not a valid JSON document (truncated or corrupt page)")
    if kind != "ARRAY":
        raise FileUnreadable(f"no '{records_key}' array in the page (found {kind})")
    conn.execute(
        f"""
        create or replace temp table {_STAGED} as
        select record::varchar as _record, null::varchar as _parse_error,
               position::bigint as _line_number
        from (
            select unnest(records) as record, generate_subscripts(records, 1) as position
            from (select json_extract(content, '$.{records_key}[*]') as records from read_text(?))
        )
        """,
        [str(path)],
    )
    yield from ()


class _LineTracker:
    """Feeds csv.reader line by line and keeps the lines of the current record,
    so a record that does not fit the header lands with its original text."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self.current: list[str] = []

    def __iter__(self) -> _LineTracker:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.current.append(line)
        return line


def _read_csv(conn: duckdb.DuckDBPyConnection, path: Path) -> Iterator[pa.RecordBatch]:
    # Undecodable bytes become U+FFFD rather than failing the file: the row still
    # lands, and staging rejects the field that cannot be read.
    with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
        tracker = _LineTracker(handle)
        reader = csv.reader(tracker, strict=False)
        try:
            header = [h.strip().lstrip("\ufeff") for h in next(reader)]
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileUnreadable(f"unreadable CSV header: {exc}") from exc
        if not header or len(set(header)) != len(header) or any(not h for h in header):
            raise FileUnreadable(f"unusable CSV header: {header!r}")
        width = len(header)
        # json_object('h1', c0, 'h2', c1, ...): DuckDB builds the JSON text in bulk
        pairs = ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}', c{i}" for i, h in enumerate(header))
        good_rows: list[list[str]] = []
        good_lines: list[int] = []
        bad_records: list[str] = []
        bad_errors: list[str] = []
        bad_lines: list[int] = []

        def flush() -> Iterator[pa.RecordBatch]:
            if good_rows:
                columns = list(zip(*good_rows, strict=True))
                arrays = [pa.array(col, pa.string()) for col in columns]
                names = [f"c{i}" for i in range(width)]
                rows = pa.Table.from_arrays(
                    [*arrays, pa.array(good_lines, pa.int64())], names=[*names, "_line_number"]
                )
                out = conn.execute(
                    f"select json_object({pairs}) as _record, null::varchar as _parse_error, "
                    "_line_number from rows"
                ).to_arrow_table()
                yield from out.to_batches()
            if bad_records:
                yield _batch(bad_records, bad_errors, bad_lines)
            good_rows.clear()
            good_lines.clear()
            bad_records.clear()
            bad_errors.clear()
            bad_lines.clear()

        tracker.current.clear()
        while True:
            start_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                bad_records.append("".join(tracker.current).rstrip("\r\n"))
                bad_errors.append(f"csv_unparseable: {exc}")
                bad_lines.append(start_line)
                tracker.current.clear()
                continue
            text_lines = tracker.current
            tracker.current = []
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) == width:
                good_rows.append(row)
                good_lines.append(start_line)
            else:
                bad_records.append("".join(text_lines).rstrip("\r\n"))
                bad_errors.append(f"csv_field_count: expected {width}, found {len(row)}")
                bad_lines.append(start_line)
            if len(good_rows) >= _CSV_BATCH_ROWS:
                yield from flush()
        yield from flush()


def read_records(
    conn: duckdb.DuckDBPyConnection, source: LandingSource, path: Path
) -> Iterator[pa.RecordBatch]:
    """Read one file into the connection's temp table `_staged_file` (columns
    _record, _parse_error, _line_number). Readers either fill it in SQL or yield
    Arrow batches, which are appended to it here."""
    conn.execute(
        f"create or replace temp table {_STAGED} "
        "(_record varchar, _parse_error varchar, _line_number bigint)"
    )
    if source.file_format is FileFormat.CSV:
        reader = _read_csv(conn, path)
    elif source.file_format is FileFormat.NDJSON:
        reader = _read_ndjson(conn, path)
    else:
        assert source.records_key is not None
        reader = _read_json_pages(conn, path, source.records_key)
    for batch in reader:
        conn.execute(f"insert into {_STAGED} select * from batch")
        yield batch


# --------------------------------------------------------------------------- loading


def _record_file(conn, load_id, source, rel_path, size, file_hash, delivery, status,
                 rows, parse_errors, error=None, duplicate_of=None, loaded_at=None) -> None:
    conn.execute(
        f"insert into {RAW_SCHEMA}.{MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, source.name, rel_path, size, file_hash, delivery, status, rows, parse_errors,
         error, duplicate_of, loaded_at or datetime.now(UTC).replace(tzinfo=None)],
    )


def load_source(
    conn: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: LandingSource,
    load_id: str | None = None,
) -> SourceLoadResult:
    """Load every new file of one source. Never raises for a bad file: it is
    recorded as failed in raw.loaded_files and in the result."""
    ensure_raw_schema(conn)
    load_id = load_id or uuid.uuid4().hex
    result = SourceLoadResult(source=source.name)
    seen_paths = {
        (p, s)
        for p, s in conn.execute(
            f"select file_path, file_size_bytes from {RAW_SCHEMA}.{MANIFEST_TABLE} where source = ?",
            [source.name],
        ).fetchall()
    }
    for path, delivery in landing_files(landing_dir, source):
        result.files_seen += 1
        rel_path = path.relative_to(landing_dir).as_posix()
        size = path.stat().st_size
        if (rel_path, size) in seen_paths:
            result.files_skipped += 1
            continue
        file_hash = file_sha256(path)
        earlier = conn.execute(
            f"select file_path from {RAW_SCHEMA}.{MANIFEST_TABLE} "
            "where file_hash = ? and status <> 'duplicate' order by loaded_at limit 1",
            [file_hash],
        ).fetchone()
        if earlier is not None:
            _record_file(conn, load_id, source, rel_path, size, file_hash, delivery,
                         "duplicate", 0, 0, duplicate_of=earlier[0])
            seen_paths.add((rel_path, size))
            result.files_duplicate += 1
            continue
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        # Read the whole file first (files are capped in size by their senders, and
        # a failed read must not abort the insert transaction), then write it and its
        # manifest row in one transaction.
        try:
            for _ in read_records(conn, source, path):
                pass
        except FileUnreadable as exc:
            reason = str(exc)
            log.warning("%s: %s not loaded: %s", source.name, rel_path, reason)
            _record_file(conn, load_id, source, rel_path, size, file_hash, delivery,
                         "failed", 0, 0, error=reason)
            result.files_failed += 1
            result.failures.append((rel_path, reason))
            seen_paths.add((rel_path, size))
            continue
        rows, parse_errors = conn.execute(
            f"select count(*), count(_parse_error) from {_STAGED}"
        ).fetchone()
        conn.execute("begin transaction")
        try:
            conn.execute(
                f"""insert into {RAW_SCHEMA}.{source.raw_table}
                    select _record, _parse_error, ?, ?, _line_number, ?, ?, ?
                    from {_STAGED}""",
                [rel_path, file_hash, delivery, loaded_at, load_id],
            )
            _record_file(conn, load_id, source, rel_path, size, file_hash, delivery,
                         "loaded", rows, parse_errors, loaded_at=loaded_at)
            conn.execute("commit")
        except Exception:
            conn.execute("rollback")
            raise
        conn.execute(f"drop table if exists {_STAGED}")
        result.files_loaded += 1
        result.rows_landed += rows
        result.rows_with_parse_error += parse_errors
        seen_paths.add((rel_path, size))
    return result


def load_all(
    duckdb_file: Path, landing_dir: Path, sources: Iterable[LandingSource] = SOURCES
) -> list[SourceLoadResult]:
    """Load every source, one short-lived connection per source (DuckDB allows one
    writer; the connection is released between sources)."""
    load_id = uuid.uuid4().hex
    duckdb_file.parent.mkdir(parents=True, exist_ok=True)
    results = []
    for source in sources:
        with duckdb.connect(str(duckdb_file), config=LOADER_SETTINGS) as conn:
            results.append(load_source(conn, landing_dir, source, load_id))
    return results


def main(argv: list[str] | None = None) -> None:
    """`python -m sms_attribution.loading`: load LANDING_DIR into DUCKDB_PATH once,
    outside Dagster (the nightly job runs the same code as assets)."""
    import argparse

    from . import settings

    parser = argparse.ArgumentParser(description="Load the landing zone into the raw schema.")
    parser.add_argument("--landing-dir", type=Path, default=None)
    parser.add_argument("--duckdb-path", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    landing = args.landing_dir or settings.landing_dir()
    if not landing.is_dir():
        raise SystemExit(f"landing directory {landing} does not exist")
    for r in load_all(args.duckdb_path or settings.duckdb_path(), landing):
        print(
            f"{r.source:<18} files: {r.files_loaded} loaded, {r.files_duplicate} duplicate, "
            f"{r.files_failed} failed, {r.files_skipped} already seen; "
            f"rows landed: {r.rows_landed} ({r.rows_with_parse_error} unreadable)"
        )


if __name__ == "__main__":
    main()
