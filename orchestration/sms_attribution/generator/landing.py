"""Writes landing files: one folder per source and delivery day, files capped in
records, DuckDB doing the formatting and the writing for the big tables; then the
file-level dirt (malformed lines, re-delivered copies, truncated pages)."""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

CSV, NDJSON, PAGES = "csv", "ndjson", "json_pages"


@dataclass
class FileEntry:
    source: str
    path: str  # relative to the landing root, posix
    delivery_day: str
    fmt: str
    records: int
    role: str = "data"  # data | duplicate | truncated_page
    original: str | None = None
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, kind)

    def as_dict(self) -> dict:
        out = {"source": self.source, "path": self.path, "delivery_day": self.delivery_day,
               "format": self.fmt, "records": self.records, "role": self.role}
        if self.original:
            out["original"] = self.original
        if self.malformed:
            out["malformed_lines"] = [{"line": n, "kind": k} for n, k in self.malformed]
        return out


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def sql_list(values: Sequence[str]) -> str:
    """A DuckDB list literal of strings, indexed 1-based in SQL."""
    return "[" + ", ".join(_sql_str(v) for v in values) + "]"


class Landing:
    def __init__(self, root: Path, start: date, days: int, max_records: int):
        self.root = root
        self.start = start
        self.days = days
        self.max_records = max_records
        self.con = duckdb.connect()
        self.con.execute("set preserve_insertion_order = true")
        self.con.execute("set enable_progress_bar = false")
        self.files: list[FileEntry] = []
        self.dirt: dict[str, Counter] = defaultdict(Counter)
        self.bad_values: list[dict] = []  # value-level dirt on real records, for the truth

    # ------------------------------------------------------------------ helpers
    def day_str(self, d: int) -> str:
        return (self.start + timedelta(days=int(d))).isoformat()

    def _file(self, source: str, d: int, name: str) -> tuple[Path, str]:
        folder = self.root / source / self.day_str(d)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        return path, path.relative_to(self.root).as_posix()

    def _ymd(self, d: int) -> str:
        return self.day_str(d).replace("-", "")

    def note_bad_value(self, source: str, kind: str, key: str, fld: str, value) -> None:
        self.dirt[source][kind] += 1
        self.bad_values.append({"source": source, "kind": kind, "key": key, "field": fld,
                                "value": value})

    @staticmethod
    def _sorted_table(columns: dict, day: np.ndarray, order_key, max_day: int) -> tuple[pa.Table, np.ndarray]:
        day = np.asarray(day, np.int64)
        if len(day):
            day = np.clip(day, 0, max_day)
        if order_key is None:
            order = np.argsort(day, kind="stable")
        else:
            order = np.lexsort((np.asarray(order_key), day))
        cols = {}
        idx = pa.array(order)
        for name, col in columns.items():
            if callable(col):
                continue  # materialised per file, see write_table
            if isinstance(col, (pa.Array, pa.ChunkedArray)):
                cols[name] = col.take(idx)
            else:
                arr = np.asarray(col)[order]
                cols[name] = pa.array(arr).cast(pa.string()) if arr.dtype.kind == "S" else pa.array(arr)
        cols["_rn"] = pa.array(np.arange(len(order), dtype=np.int64))
        return pa.table(cols), day[order], order

    def _day_slices(self, day_sorted: np.ndarray, chunk: int, fill: bool = False):
        """(day, part, start, end) per output file: parts of even size, or full pages
        (`fill`) with the remainder on the last one, as list APIs page."""
        bounds = np.searchsorted(day_sorted, np.arange(self.days + 1))
        for d in range(self.days):
            s, e = int(bounds[d]), int(bounds[d + 1])
            if e <= s:
                continue
            n_parts = max(1, math.ceil((e - s) / chunk))
            if fill:
                edges = np.minimum(s + np.arange(n_parts + 1) * chunk, e)
            else:
                edges = np.linspace(s, e, n_parts + 1).round().astype(int)
            for p in range(n_parts):
                yield d, p, int(edges[p]), int(edges[p + 1])

    # ------------------------------------------------------------------ writers
    def write_table(self, source: str, fmt: str, columns: dict, day: np.ndarray, select: str,
                    prefix: str, order_key=None) -> None:
        """Write rows (columns: numpy arrays or arrow arrays, or callables that build a
        column from row indices, evaluated one file at a time) sorted by (day, order_key),
        one file per day and part, via `COPY (SELECT <select> FROM chunk)`."""
        if len(day) == 0:
            return
        table, day_sorted, order = self._sorted_table(columns, day, order_key, self.days - 1)
        lazy = {k: v for k, v in columns.items() if callable(v)}
        ext = "csv" if fmt == CSV else "ndjson"
        options = "(FORMAT CSV, HEADER)" if fmt == CSV else "(FORMAT JSON)"
        for d, p, s, e in self._day_slices(day_sorted, self.max_records):
            chunk = table.slice(s, e - s)
            for name, make in lazy.items():  # columns too big to hold for all rows at once
                chunk = chunk.append_column(name, make(order[s:e]))
            path, rel = self._file(source, d, f"{prefix}_{self._ymd(d)}_{p + 1:03d}.{ext}")
            self.con.register("chunk", chunk)
            self.con.execute(f"COPY (SELECT {select} FROM chunk ORDER BY _rn) TO {_sql_str(str(path))} {options}")
            self.con.unregister("chunk")
            self.files.append(FileEntry(source, rel, self.day_str(d), fmt, e - s))

    def write_pages(self, source: str, columns: dict, day: np.ndarray, element: str,
                    prefix: str, page_size: int, wrap: Callable[..., str], order_key=None) -> None:
        """JSON list pages: `element` is a SQL struct expression for one array element;
        wrap(day_str, page, n_pages, body, first_row, last_row, n) returns the document."""
        if len(day) == 0:
            return
        table, day_sorted, _ = self._sorted_table(columns, day, order_key, self.days - 1)
        slices = list(self._day_slices(day_sorted, page_size, fill=True))
        pages_per_day = Counter(d for d, *_ in slices)
        for d, p, s, e in slices:
            chunk = table.slice(s, e - s)
            self.con.register("chunk", chunk)
            body = self.con.execute(
                f"SELECT string_agg(to_json({element}), ', ' ORDER BY _rn) FROM chunk").fetchone()[0]
            self.con.unregister("chunk")
            first = {k: chunk.column(k)[0].as_py() for k in chunk.column_names}
            last = {k: chunk.column(k)[e - s - 1].as_py() for k in chunk.column_names}
            text = wrap(self.day_str(d), p, pages_per_day[d], body, first, last, e - s)
            path, rel = self._file(source, d, f"{prefix}_{self._ymd(d)}_p{p:04d}.json")
            path.write_text(text, encoding="utf-8")
            self.files.append(FileEntry(source, rel, self.day_str(d), PAGES, e - s))

    def write_lines(self, source: str, fmt: str, lines: list[str], day: np.ndarray, prefix: str,
                    header: str | None = None) -> None:
        """Lines already serialised in Python (already in the wanted order within a day)."""
        if not lines:
            return
        day = np.clip(np.asarray(day, np.int64), 0, self.days - 1)
        order = np.argsort(day, kind="stable")
        day_sorted = day[order]
        ext = "csv" if fmt == CSV else "ndjson"
        for d, p, s, e in self._day_slices(day_sorted, self.max_records):
            path, rel = self._file(source, d, f"{prefix}_{self._ymd(d)}_{p + 1:03d}.{ext}")
            with path.open("w", encoding="utf-8", newline="") as fh:
                if header is not None:
                    fh.write(header + "\n")
                for i in order[s:e]:
                    fh.write(lines[i])
                    fh.write("\n")
            self.files.append(FileEntry(source, rel, self.day_str(d), fmt, e - s))

    # ------------------------------------------------------------------ file-level dirt
    @staticmethod
    def _small(cands: list[FileEntry], keep: int = 4) -> list[FileEntry]:
        """The few smallest files (in file order): rewriting or copying a 400 MB file for
        a handful of bad lines would dominate the large scale's run time."""
        if len(cands) <= keep:
            return cands
        chosen = sorted(sorted(range(len(cands)), key=lambda i: (cands[i].records, i))[:keep])
        return [cands[i] for i in chosen]

    def inject_malformed(self, source: str, n: int, rng: np.random.Generator) -> None:
        """Insert n malformed lines, each a damaged copy of a neighbouring record (so no
        real record is lost): truncated JSON for NDJSON, a missing or an extra field for CSV."""
        cands = [f for f in self.files
                 if f.source == source and f.role == "data" and f.fmt in (CSV, NDJSON) and f.records > 0]
        if not cands or n <= 0:
            return
        cands = self._small(cands)
        picks = Counter(rng.integers(0, len(cands), n).tolist())
        for ci in sorted(picks):
            entry = cands[ci]
            k = picks[ci]
            path = self.root / entry.path
            lines = path.read_bytes().split(b"\n")
            trailing = lines and lines[-1] == b""
            if trailing:
                lines.pop()
            head = 1 if entry.fmt == CSV else 0
            positions = np.sort(rng.choice(entry.records, size=k, replace=k > entry.records))
            inserted: list[tuple[int, bytes, str]] = []
            for pos in positions:
                src = lines[head + int(pos)]
                if entry.fmt == NDJSON:
                    cut = int(rng.integers(max(2, len(src) // 5), len(src) - 1))
                    bad, kind = src[:cut], "truncated_json"
                elif b'"' not in src and rng.random() < 0.5:
                    bad, kind = src.rsplit(b",", 1)[0], "csv_missing_field"
                else:
                    bad, kind = src + b",unexpected", "csv_extra_field"
                inserted.append((head + int(pos), bad, kind))
            out: list[bytes] = []
            marks: list[tuple[int, str]] = []
            it = iter(inserted)
            nxt = next(it, None)
            for i, line in enumerate(lines):
                out.append(line)
                while nxt is not None and nxt[0] == i:
                    out.append(nxt[1])
                    marks.append((len(out), nxt[2]))
                    nxt = next(it, None)
            path.write_bytes(b"\n".join(out) + (b"\n" if trailing else b""))
            entry.malformed.extend(marks)
            for _, kind in marks:
                self.dirt[source]["malformed_lines"] += 1
                self.dirt[source][kind] += 1

    def truncate_page(self, source: str, rng: np.random.Generator) -> None:
        """A partial download of one page, delivered next to the intact page."""
        cands = [f for f in self.files if f.source == source and f.role == "data" and f.fmt == PAGES]
        if not cands:
            return
        entry = cands[int(rng.integers(0, len(cands)))]
        data = (self.root / entry.path).read_bytes()
        cut = int(len(data) * rng.uniform(0.3, 0.8))
        src = self.root / entry.path
        target = src.with_name(src.stem + "_partial" + src.suffix)
        target.write_bytes(data[:cut])
        self.files.append(FileEntry(source, target.relative_to(self.root).as_posix(),
                                    entry.delivery_day, PAGES, 0, role="truncated_page",
                                    original=entry.path))
        self.dirt[source]["truncated_page_files"] += 1

    def duplicate_files(self, source: str, n: int, rng: np.random.Generator) -> None:
        """Re-deliver n files: same bytes under a new name, in the same folder or the next day's."""
        cands = [f for f in self.files if f.source == source and f.role == "data"]
        if not cands:
            return
        cands = self._small(cands)
        for ci in rng.choice(len(cands), size=min(n, len(cands)), replace=False):
            entry = cands[int(ci)]
            src = self.root / entry.path
            day = date.fromisoformat(entry.delivery_day)
            later = (day - self.start).days + 1 < self.days and rng.random() < 0.5
            d = (day - self.start).days + (1 if later else 0)
            path, rel = self._file(source, d, src.stem + "_redelivered" + src.suffix)
            shutil.copyfile(src, path)
            self.files.append(FileEntry(source, rel, self.day_str(d), entry.fmt, entry.records,
                                        role="duplicate", original=entry.path,
                                        malformed=list(entry.malformed)))
            self.dirt[source]["duplicate_files"] += 1
            if entry.malformed:
                self.dirt[source]["malformed_lines_in_duplicate_files"] += len(entry.malformed)

    def manifest_files(self) -> list[dict]:
        return [f.as_dict() for f in self.files]


def dumps(obj) -> str:
    return json.dumps(obj, separators=(", ", ": "), ensure_ascii=False)


def csv_line(values: Sequence) -> str:
    """One RFC 4180 line (minimal quoting), None as an empty field."""
    out = []
    for v in values:
        if v is None:
            out.append("")
            continue
        s = str(v)
        if any(ch in s for ch in ',"\n\r'):
            s = '"' + s.replace('"', '""') + '"'
        out.append(s)
    return ",".join(out)


def write_records_as_pages(land: Landing, source: str, records: list, day: np.ndarray, prefix: str,
                           page_size: int, wrap: Callable[..., str]) -> None:
    """JSON pages from Python records (already in order within each day)."""
    if not records:
        return
    day = np.clip(np.asarray(day, np.int64), 0, land.days - 1)
    order = np.argsort(day, kind="stable")
    day_sorted = day[order]
    slices = list(land._day_slices(day_sorted, page_size, fill=True))
    per_day = Counter(d for d, *_ in slices)
    for d, p, s, e in slices:
        recs = [records[i] for i in order[s:e]]
        text = wrap(land.day_str(d), p, per_day[d], recs)
        path, rel = land._file(source, d, f"{prefix}_{land._ymd(d)}_p{p:04d}.json")
        path.write_text(text, encoding="utf-8")
        land.files.append(FileEntry(source, rel, land.day_str(d), PAGES, e - s))
