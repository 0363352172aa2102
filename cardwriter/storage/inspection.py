"""Looking inside a project file without changing a byte of it, or of its -wal and -shm.

SQLite changes files merely by opening them read-write: closing the last
connection checkpoints a pending write-ahead log into the main file and
deletes the log, and a read-only connection still writes the shared-memory
index (-shm). A file we end up refusing (another application's database, a
newer Cardwriter's project, a damaged file) must stay exactly as it was, so
its identity and soundness are checked on a view SQLite cannot change:

* no pending -wal or -journal: the main file is the whole database, and an
  ``immutable=1`` read-only connection reads it with no locks and no
  companion files at all;
* a pending -wal or -journal (a crash, or a disk that filled before a
  checkpoint finished): the main file and its log are copied into a private
  temporary folder and SQLite opens the copy, applying the log there. This
  costs one copy of the file, but only in this rare case, and it lets SQLite
  itself decide what the log holds instead of a hand-written WAL parser.

If another process writes while we copy, the copy may be inconsistent; the
files' sizes and times are compared before and after, and the copy is taken
again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

COMPANIONS = ("-wal", "-journal")


class StillChanging(Exception):
    """Another process kept writing to the file while we copied it."""


@dataclass(frozen=True)
class Inspection:
    application_id: int
    user_version: int
    problem: str | None  # None when SQLite's quick_check found the file sound
    columns: dict[str, frozenset[str]]  # each table's column names


def pending_companions(path: Path) -> list[Path]:
    """The non-empty -wal or -journal files next to ``path``: changes SQLite has yet to apply."""
    found = []
    for suffix in COMPANIONS:
        companion = Path(f"{path}{suffix}")
        try:
            if companion.stat().st_size > 0:
                found.append(companion)
        except FileNotFoundError:
            pass
    return found


def inspect(path: Path) -> Inspection:
    """Identity and soundness of the database at ``path`` (a real file, not a link).

    Raises sqlite3.DatabaseError when SQLite cannot read it at all, OSError
    when the file (or a temporary copy) cannot be read or written, and
    StillChanging when another process keeps writing to it.
    """
    with read_only_view(path) as conn:
        return inspect_connection(conn)


@contextlib.contextmanager
def read_only_view(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that reads the database at ``path`` as SQLite would, and cannot change it.

    The file itself when nothing is pending, else a private copy with its log
    applied (see the module's notes). Raises as ``inspect`` does.
    """
    companions = pending_companions(path)
    if not companions:
        conn = _immutable_connection(path)
        try:
            yield conn
        finally:
            conn.close()
        return
    for _attempt in range(3):
        before = _stamps([path, *companions])
        with tempfile.TemporaryDirectory(prefix="cardwriter-check-") as folder:
            copy = Path(folder) / "copy.db"
            shutil.copyfile(path, copy)
            for companion in companions:
                shutil.copyfile(companion, f"{copy}{companion.name[len(path.name) :]}")
            if _stamps([path, *companions]) != before:
                continue
            conn = sqlite3.connect(str(copy))
            try:
                yield conn
            finally:
                conn.close()
            return
    raise StillChanging(str(path))


def _immutable_connection(path: Path) -> sqlite3.Connection:
    uri = "file:" + urllib.parse.quote(os.fsencode(path)) + "?mode=ro&immutable=1"  # bytes: any file name
    return sqlite3.connect(uri, uri=True)


def inspect_connection(conn: sqlite3.Connection) -> Inspection:
    """What ``inspect`` reports, read through ``conn`` (from ``read_only_view``)."""
    # A damaged file can hold invalid UTF-8 even in names and check reports.
    conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    rows = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = {
        str(table): frozenset(row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", [table]))
        for table in tables
    }
    problem = None if rows == ["ok"] else one_line_problem(rows)
    return Inspection(application_id, user_version, problem, columns)


def one_line_problem(rows: list[str]) -> str:
    """SQLite's check report on one line: its first real problem, and how many more it found.

    A row can itself hold several lines, and a header such as ``*** in database main ***``
    names no problem; a message prints the first problem, not the whole report.
    """
    lines = [line.strip() for row in rows for line in str(row).splitlines() if line.strip()]
    problems = [line for line in lines if not (line.startswith("***") and line.endswith("***"))] or lines
    if not problems:
        return "no details"
    more = len(problems) - 1
    return problems[0] + (f" ({more} more problem{'s' if more != 1 else ''})" if more else "")


def _stamps(paths: list[Path]) -> list[tuple[int, int]]:
    stamps = []
    for p in paths:
        st = os.stat(p)
        stamps.append((st.st_size, st.st_mtime_ns))
    return stamps
