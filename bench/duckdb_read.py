"""The lower bound: DuckDB reading a world's report files once.

    python bench/duckdb_read.py DATA --files-from {memory,disk} [--keep FILE]

Every CSV file under DATA/reports is read once, all columns as text with the file name,
into a table of an in-memory DuckDB database (its default threads: all cores). One
`read_csv`, told the columns so that it sniffs nothing, reads all files that share an
encoding, a delimiter, a header line and line ends; the
files are grouped by their first 4 KB first (timed apart, as `classify_s`). XLSX files
are left out: DuckDB reads no XLSX without an extension that cannot be installed
offline; their share of the lines is reported. Prints one JSON object.

--files-from says where the read finds the files once they are grouped: all in memory (each
read once before), or all on disk (dropped from the page cache before); bench/page_cache.py.

With --keep, DuckDB also keeps what it read, as the warehouse keeps lines: in a database file,
closed (checkpointed) within the time. Not the lower bound: a reference for what storing the
lines alone costs DuckDB itself.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb

import page_cache

HEAD_BYTES = 4096


def _style(path: Path) -> tuple[str, str, str, bool]:
    """(encoding, delimiter, header line, CRLF) from the first bytes of a CSV file."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    try:
        text, encoding = head[: len(head) - 3 if len(head) == HEAD_BYTES else None].decode("utf-8"), "utf-8"
    except UnicodeDecodeError:  # DuckDB has no cp1252 built in; latin-1 reads the same bytes
        text, encoding = head.decode("cp1252"), "latin-1"
    header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return encoding, delimiter, header, b"\r\n" in head


def read_all(data: Path, files_from: str, keep: Path | None = None) -> dict:
    files = sorted(p for p in (data / "reports").rglob("*") if p.is_file())
    csv_files = [p for p in files if p.suffix.lower() == ".csv"]
    start = time.perf_counter()
    groups: dict[tuple[str, str, str, bool], list[str]] = defaultdict(list)
    for path in csv_files:
        groups[_style(path)].append(str(path))
    classify_s = time.perf_counter() - start
    (page_cache.into_memory if files_from == "memory" else page_cache.out_of_memory)(data / "reports")

    con = duckdb.connect(str(keep) if keep else ":memory:")
    start = time.perf_counter()
    rows = 0
    for number, ((encoding, delimiter, header, _), paths) in enumerate(groups.items()):
        # The columns are known from the header, so DuckDB need not sniff each file.
        con.execute(
            f"""CREATE TABLE t{number} AS SELECT * FROM read_csv($files, delim = $delim, header = true,
                auto_detect = false, columns = $columns, quote = '"', encoding = $encoding,
                filename = true, null_padding = true)""",
            {"files": paths, "delim": delimiter, "encoding": encoding,
             "columns": {name: "VARCHAR" for name in header.split(delimiter)}},
        )
        rows += con.execute(f"SELECT count(*) FROM t{number}").fetchone()[0]
    con.close()
    read_s = time.perf_counter() - start
    return {"files_from": files_from, "csv_files": len(csv_files), "xlsx_files_left_out": len(files) - len(csv_files),
            "groups": len(groups), "rows": rows, "classify_s": round(classify_s, 2), "read_s": round(read_s, 2),
            "bytes": sum(p.stat().st_size for p in csv_files)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--files-from", choices=("memory", "disk"), required=True,
                        help="the files read from the page cache or from disk")
    parser.add_argument("--keep", type=Path, metavar="FILE", help="keep the lines in this new database file")
    args = parser.parse_args()
    if args.keep and args.keep.exists():
        sys.exit(f"{args.keep} exists; --keep makes a new database file")
    print(json.dumps(read_all(args.data, args.files_from, args.keep)))


if __name__ == "__main__":
    main()
