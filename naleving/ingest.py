"""Receiving supplier files: the submissions ledger and the records read from them.

A file is known by its name and its bytes. Seen before under the same name: skipped, so a
night never reads a file twice; a file whose name, size and modification time are already
on record is not even opened, so a night costs the new files, not the history. Same bytes
under another name: recorded as a duplicate, not read. Anything else is read into records
(the cells validation types, and whether the same line came earlier in the file) and the
lines as read, or refused with a reason.
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Iterator, NamedTuple

import polars as pl

from naleving.archive import Archive
from naleving.csv_batch import read_csv_files
from naleving.listing import SETTLED_NS, ReportFile
from naleving.readers import RawTable, UnreadableFile, read_table
from naleving.schemas import MASKED_BSN
from naleving.validate import RAW_COLUMNS
from naleving.xlsx_batch import read_xlsx_files

# The column that tells a report's type (SPEC 1.4), and the columns each type needs.
TYPE_MARKERS = {
    "target_group": "social_return",
    "recycled_tonnes": "recycled_material",
    "energy_source": "zero_emission_equipment",
}
COMMON_COLUMNS = ("contract_id", "supplier_kvk")
TYPE_COLUMNS = {
    "social_return": ("person_ref", "target_group", "hours"),
    "recycled_material": ("material", "delivered_tonnes", "recycled_tonnes", "evidence_ref"),
    "zero_emission_equipment": ("machine_id", "power_kw", "energy_source", "hours"),
}
ANCHORS = frozenset(COMMON_COLUMNS)
BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
BATCH_LINES = 250_000
READ_CHUNK = 512  # files decided in order, then read together
READERS = 2  # chunks read at once
RECORD_SCHEMA = {"submission_id": pl.String, "source_row": pl.Int64, "decimal_comma": pl.Boolean, "repeat": pl.Boolean}
RECORD_KEYS = ("submission_id", "source_row", "decimal_comma")
LINE_KEYS = ["submission_id", "source_row"]
log = logging.getLogger(__name__)


LEDGER_SCHEMA = {
    "submission_id": pl.String, "file_name": pl.String, "file_sha256": pl.String,
    "received_at": pl.Datetime, "report_type": pl.String, "status": pl.String,
    "refusal_reason": pl.String, "rows_received": pl.Int64, "rows_accepted": pl.Int64,
    "rows_quarantined": pl.Int64, "run_id": pl.String,
}


@dataclass(frozen=True)
class Submission:
    submission_id: str
    file_name: str
    file_sha256: str
    received_at: datetime
    status: str                   # received | refused | duplicate
    report_type: str | None = None
    refusal_reason: str | None = None
    rows: int = 0                 # lines read from it

    def ledger_row(self, run_id: str) -> dict:
        refused = self.status == "refused"
        return {
            "submission_id": self.submission_id, "file_name": self.file_name,
            "file_sha256": self.file_sha256, "received_at": self.received_at,
            "report_type": self.report_type, "status": self.status,
            "refusal_reason": self.refusal_reason, "rows_received": self.rows,
            "rows_accepted": 0, "rows_quarantined": self.rows if refused else 0, "run_id": run_id,
        }


class NewFile(NamedTuple):
    name: str
    sha256: str
    data: bytes


def submission_id(file_name: str, sha256: str) -> str:
    return hashlib.sha256(f"{file_name}|{sha256}".encode()).hexdigest()[:16]


def bsn_suspected(column: str) -> pl.Expr:
    """Nine digits passing the eleven-test (elfproef) of a Dutch citizen service number."""
    value = pl.col(column).str.strip_chars()
    digits = [value.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(BSN_WEIGHTS)]
    return value.str.contains(r"^\d{9}$").fill_null(False) & (pl.sum_horizontal(digits) % 11 == 0)


def _mask_bsn(frame: pl.DataFrame) -> pl.DataFrame:
    """person_ref with a suspected BSN masked. The eleven-test runs on the distinct values of
    nine digits only: few lines have one, and testing every line cost a batch ~0.07 s."""
    nine_digits = pl.col("person_ref").str.contains(r"^\s*\d{9}\s*$").fill_null(False)
    suspects = frame.select(pl.col("person_ref").filter(nine_digits).unique()).filter(bsn_suspected("person_ref"))
    if suspects.is_empty():
        return frame
    masked = pl.when(pl.col("person_ref").is_in(suspects["person_ref"].implode())).then(pl.lit(MASKED_BSN))
    return frame.with_columns(masked.otherwise(pl.col("person_ref")).alias("person_ref"))


def _records(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The lines of files with one header: as records (RECORD_SCHEMA and the cells validation
    types) and as read (LINE_KEYS and every cell, in the files' order); a suspected BSN never
    reaches storage. Only a quarantined line's record as read is stored, so it is written
    out (`with_raw`) for those lines alone."""
    if "person_ref" in frame.columns:
        frame = _mask_bsn(frame)
    cells = [c for c in frame.columns if c not in RECORD_KEYS]
    repeat = ~pl.struct("submission_id", *cells).is_first_distinct() if cells else pl.lit(False)
    records = frame.select(*RECORD_KEYS, repeat.alias("repeat"), *(c for c in cells if c in RAW_COLUMNS))
    return records, frame.select(*LINE_KEYS, *cells)


def with_raw(lines: pl.DataFrame, as_read: list[pl.DataFrame]) -> pl.DataFrame:
    """`lines` (LINE_KEYS first) with `raw`, each one's record as read: one JSON object of its
    file's own cells, in the file's order."""
    keys = lines.select(LINE_KEYS)
    found = []
    for part in as_read:
        part = part.join(keys, on=LINE_KEYS, how="semi")
        if part.height:
            cells = [c for c in part.columns if c not in LINE_KEYS]
            raw = pl.struct(cells).struct.json_encode() if cells else pl.lit("{}")
            found.append(part.select(*LINE_KEYS, raw.alias("raw")))
    raws = pl.concat(found) if found else pl.DataFrame(schema={"submission_id": pl.String, "source_row": pl.Int64, "raw": pl.String})
    return lines.join(raws, on=LINE_KEYS, how="left", maintain_order="left")


def _classify(columns: list[str]) -> tuple[str | None, str | None]:
    """(report_type, refusal_reason) from a file's header."""
    types = [t for marker, t in TYPE_MARKERS.items() if marker in columns]
    if len(types) != 1:
        return None, "unknown_report_type"
    report_type = types[0]
    has_period = "period" in columns or {"period_start", "period_end"} <= set(columns)
    required = [*COMMON_COLUMNS, *TYPE_COLUMNS[report_type]]
    missing = [c for c in required if c not in columns] + ([] if has_period else ["period"])
    return report_type, (f"missing_columns:{','.join(missing)}" if missing else None)


def read_files(files: list[NewFile], received_at: datetime,
               workers: ThreadPoolExecutor) -> tuple[list[Submission], pl.DataFrame, list[pl.DataFrame]]:
    """Read new files into submissions, their records and their lines as read (`_records`); a
    file that cannot be read is refused with the reason. Plain CSV files are read together, and
    XLSX workbooks; the others one by one on `workers`."""
    ids = [submission_id(f.name, f.sha256) for f in files]
    headers, read, alone = {}, [], set(range(len(files)))
    for suffix, read_together in ((".csv", read_csv_files), (".xlsx", partial(read_xlsx_files, workers=workers))):
        among = [i for i, f in enumerate(files) if f.name.lower().endswith(suffix)]  # a path object per file cost more
        chunk = read_together([files[i].data for i in among], ANCHORS)
        headers |= {among[i]: columns for i, columns in chunk.headers.items()}
        alone -= {among[i] for i in chunk.headers}
        to_id = pl.col("file").replace_strict({i: ids[among[i]] for i in chunk.headers}, return_dtype=pl.String)
        read += [_records(lines.with_columns(to_id.alias("submission_id")).drop("file")) for lines in chunk.lines.values()]
    alone = sorted(alone)
    unreadable, by_header = {}, defaultdict(list)
    for i, table in zip(alone, workers.map(lambda i: _read_alone(files[i]), alone)):
        if isinstance(table, UnreadableFile):
            unreadable[i] = f"unreadable:{table}"
            continue
        headers[i] = tuple(c for c in table.frame.columns if c != "source_row")
        by_header[tuple(table.frame.columns)].append(table.frame.with_columns(
            pl.lit(ids[i]).alias("submission_id"), pl.lit(table.decimal_comma).alias("decimal_comma")))
    # Files with one header are read together: a line as read holds exactly its file's own columns.
    read += [_records(pl.concat(tables)) for tables in by_header.values()]
    records = pl.concat([r for r, _ in read], how="diagonal") if read else pl.DataFrame(schema=RECORD_SCHEMA)
    rows = dict(records.group_by("submission_id").len().iter_rows())

    submissions = []
    for i, f in enumerate(files):
        base = dict(submission_id=ids[i], file_name=f.name, file_sha256=f.sha256, received_at=received_at)
        if i in unreadable:
            submissions.append(Submission(**base, status="refused", refusal_reason=unreadable[i]))
            continue
        report_type, refusal = _classify(list(headers[i]))
        submissions.append(Submission(**base, status="refused" if refusal else "received", report_type=report_type,
                                      refusal_reason=refusal, rows=rows.get(ids[i], 0)))
    return submissions, records, [as_read for _, as_read in read]


def _read_alone(file: NewFile) -> RawTable | UnreadableFile:
    try:
        return read_table(file.data, file.name, ANCHORS)
    except UnreadableFile as error:
        return error


@dataclass
class Batch:
    """Files taken in together, validated and stored as one: memory stays bounded on a long night."""
    submissions: list[Submission] = field(default_factory=list)
    records: list[pl.DataFrame] = field(default_factory=list)  # RECORD_SCHEMA and the cells
    as_read: list[pl.DataFrame] = field(default_factory=list)  # the lines as read, per header
    opened: list[tuple[str, int, int, str]] = field(default_factory=list)  # name, size, mtime_ns, sha256
    originals: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes of the new files, for the archive

    @property
    def lines(self) -> int:
        return sum(records.height for records in self.records)


def new_submissions(paths: list[ReportFile], seen: set[tuple[str, str]], ledger_sha: pl.Series,
                    received_at: datetime, archive: Archive) -> Iterator[Batch]:
    """Submissions for the files of `paths` (those not on record) not yet received under their
    name and content, in batches of about BATCH_LINES lines; a batch's originals archived in
    one pack before it is handed on, so no ledger row names a file the archive lacks. A file
    whose content is in `ledger_sha` (the ledger's) or came earlier in the run is a duplicate.

    Files are opened and decided on in order, a chunk at a time; READERS chunks are read at
    once, reading being the slowest step of the intake. Only files not on record come in: a
    night's new files, spread over the folders of the whole history, are read together, not
    a few with every 512 listed."""
    settled_before = time.time_ns() - SETTLED_NS
    known_sha = ledger_sha.to_frame("sha")
    run_sha: set[str] = set()
    batch = Batch()
    step = max(READ_CHUNK, len(paths) // 20)  # about twenty progress lines on a long night
    reading: deque[tuple[Batch, Future | None]] = deque()
    # Reading odd files is mostly polars work, which runs outside the interpreter lock: a thread per core.
    with ThreadPoolExecutor(os.cpu_count() or 1) as workers, ThreadPoolExecutor(READERS) as readers:
        for start in range(0, len(paths), READ_CHUNK):
            chunk = paths[start:start + READ_CHUNK]
            if (start + len(chunk)) // step > start // step or start + len(chunk) == len(paths):
                log.info("Bestanden bekeken: %d van %d", start + len(chunk), len(paths))
            opened, new = _open(chunk, seen, known_sha, run_sha, settled_before, received_at)
            reading.append((opened, readers.submit(read_files, new, received_at, workers) if new else None))
            while reading and (len(reading) > READERS or start + READ_CHUNK >= len(paths)):
                opened, read = reading.popleft()
                batch.opened += opened.opened
                batch.submissions += opened.submissions
                batch.originals |= opened.originals
                if read is not None:
                    submissions, records, as_read = read.result()
                    batch.submissions += submissions
                    batch.records.append(records)
                    batch.as_read += as_read
                if batch.lines >= BATCH_LINES:
                    archive.keep_pack(batch.originals)
                    yield batch
                    batch = Batch()
    archive.keep_pack(batch.originals)
    yield batch


def _open(chunk: list[ReportFile], seen: set[tuple[str, str]], known_sha: pl.DataFrame, run_sha: set[str],
          settled_before: int, received_at: datetime) -> tuple[Batch, list[NewFile]]:
    """The files of `chunk` opened (for the record), the duplicates among them, and the new ones to read.

    Only files untouched for a while go on record as opened: file system clocks are coarse
    (milliseconds), so a file rewritten just now could keep its size and time though its bytes
    changed. The ledger's contents are looked up a chunk at a time: as a Python set, the
    national ledger's 400,000 took 0.2–0.36 s a night."""
    opened, new = Batch(), []
    contents = [Path(path).read_bytes() for _, path, _, _ in chunk]
    shas = [hashlib.sha256(data).hexdigest() for data in contents]
    in_ledger = set(known_sha.join(pl.DataFrame({"sha": shas}), on="sha", how="semi")["sha"].to_list())
    for (name, _, size, mtime_ns), data, sha in zip(chunk, contents, shas):
        if mtime_ns < settled_before:
            opened.opened.append((name, size, mtime_ns, sha))
        if (name, sha) in seen:
            continue
        if sha in in_ledger or sha in run_sha:
            opened.submissions.append(Submission(submission_id(name, sha), name, sha, received_at, status="duplicate"))
            continue
        run_sha.add(sha)
        opened.originals[sha] = data
        new.append(NewFile(name, sha, data))
    return opened, new
