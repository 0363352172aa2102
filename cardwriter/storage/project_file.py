"""Opening and creating ``*.cardwriter`` project files, safely.

A project is one SQLite file in WAL mode with foreign keys on and full
fsync on commit. Before SQLite opens an existing file read-write we check
it on a view nothing can change (see ``header.py`` and ``inspection.py``),
so a damaged, foreign or newer file is refused with its -wal and -shm byte
for byte as they were. An older file is migrated on a copy in memory first;
only when that works is the file itself migrated, in one transaction and
still in its own journal mode, and only then switched to WAL: a migration
that fails leaves the file byte for byte as it was. The file is opened with
an exclusive lock for as long as it is open: a second process (another
window, a script) is told the project is in use instead of racing the first
one's edits.

A project path may be a symbolic link: SQLite works on the file it points
to (its -wal sits next to that file), and the link itself is never removed
or replaced, even when creating the target fails.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
from pathlib import Path

import sqlite_utils

from cardwriter.errors import ProjectError
from cardwriter.storage.header import APPLICATION_ID, HeaderProblem, read_header
from cardwriter.storage.inspection import (
    Inspection,
    StillChanging,
    inspect_connection,
    pending_companions,
    read_only_view,
)
from cardwriter.storage.schema import SCHEMA_VERSION, migrate

SUFFIX = ".cardwriter"
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def real_path(path: Path) -> Path:
    """The file a path stands for: symbolic links followed, even a dangling one."""
    return Path(os.path.realpath(path))


def file_identity(path: Path) -> tuple[int, int] | None:
    """Which file ``path`` names now (device and inode), or None when it is gone."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def create_project_file(path: Path) -> sqlite_utils.Database:
    """Create a new, empty project at ``path`` (or at the target of a dangling link) and return it open."""
    path = Path(path)
    if path.exists():
        raise ProjectError(f"{path} already exists; open it, or choose another name")
    target = real_path(path)
    folder = target.parent
    if not folder.is_dir():
        raise ProjectError(f"cannot create {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ProjectError(f"cannot create {path}: the folder {folder} is read-only; choose a folder you can write to")
    leftovers = [Path(f"{target}{s}") for s in COMPANION_SUFFIXES if os.path.lexists(f"{target}{s}")]
    if leftovers:
        raise ProjectError(
            f"cannot create {path}: {leftovers[0]} is left over from an earlier file of that name; "
            "move it away or choose another name"
        )
    try:
        db = _connect(target)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate(db, 0)
        # Write the header into the main file now, so it names its owner at once.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.Error, OSError) as exc:
        remove_project_file(path)
        raise ProjectError(f"cannot create {path}: {_reason(exc)}") from exc
    return db


def open_project_file(path: Path) -> sqlite_utils.Database:
    """Open an existing project, migrating it if it comes from an older version."""
    path = Path(path)
    target = real_path(path)
    _check_before_opening(path, target)
    try:
        db = _connect(target, wal=False)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise ProjectError(
                f"{path} is in use by another Cardwriter window or command; close it there first"
            ) from exc
        raise ProjectError(f"cannot open {path}: {_reason(exc)}") from exc
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path} is damaged and cannot be opened ({exc}); use a backup copy") from exc
    try:
        # Still in the file's own journal mode: a migration that fails is rolled back and leaves the
        # file byte for byte as it was; only a file that is up to date is switched to WAL.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            migrate(db, version)
    except sqlite3.Error as exc:
        db.close()
        raise ProjectError(
            f"cannot update {path} to this version of Cardwriter: {_reason(exc)}; the file was left as it was"
        ) from exc
    try:
        _use_wal(db)
    except sqlite3.Error as exc:
        db.close()
        raise ProjectError(f"cannot open {path}: {_reason(exc)}") from exc
    return db


@functools.cache
def _expected_tables() -> dict[str, frozenset[str]]:
    """The tables and columns of a project of this version, from running the migrations in memory."""
    db = sqlite_utils.Database(memory=True)
    migrate(db, 0)
    return {table.name: frozenset(table.columns_dict) for table in db.tables}


def _check_tables(path: Path, version: int, columns: dict[str, frozenset[str]]) -> None:
    """Refuse a file whose tables lack what Cardwriter reads (a damaged schema passes SQLite's checks).

    Only for files already at this version: older ones are migrated first.
    """
    if version != SCHEMA_VERSION:
        return
    for table, expected in _expected_tables().items():
        missing = sorted(expected - columns.get(table, frozenset()))
        if missing:
            what = (
                f"the table {table} is missing"
                if table not in columns
                else f"the table {table} lacks {', '.join(missing)}"
            )
            raise ProjectError(f"{path} is damaged: {what}; use a backup copy")


def _check_before_opening(path: Path, target: Path) -> None:
    """Refuse, without changing anything, a file Cardwriter should not open read-write."""
    if not os.path.lexists(path):
        raise ProjectError(f"{path} does not exist; create it with 'cardwriter new {path}'")
    try:
        info = os.stat(target)
    except FileNotFoundError as exc:
        raise ProjectError(f"{path} is a link to {target}, which does not exist") from exc
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise ProjectError(f"{path} is a folder, not a Cardwriter project")
    if not stat.S_ISREG(info.st_mode):
        raise ProjectError(f"{path} is not a regular file (a device, pipe or socket), not a Cardwriter project")
    if info.st_size == 0:
        raise ProjectError(f"{path} is empty, not a Cardwriter project")
    try:
        header = read_header(target)
    except HeaderProblem as exc:
        raise ProjectError(f"cannot open {path}: {exc}") from exc
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror}") from exc
    pending = pending_companions(target)
    if not pending:
        # The main file is the whole database: its header tells who wrote it, and how long it is.
        check_identity(path, header.application_id, header.user_version)
        if header.expected_size is not None and info.st_size < header.expected_size:
            raise ProjectError(
                f"{path} is damaged: it is cut short ({info.st_size} of {header.expected_size} bytes); "
                "use a backup copy"
            )
    # With a pending log the newest header and pages may be in the log, so SQLite decides, on a copy.
    _check_contents(path, target)
    folder = target.parent
    if not os.access(target, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        where = path if not os.access(target, os.W_OK) else folder
        raise ProjectError(
            f"cannot open {path}: {where} is read-only; every edit is saved as you go, so Cardwriter "
            "needs to write there. Change its permissions or copy the project to a folder you can write to"
        )


def _check_contents(path: Path, target: Path) -> None:
    try:
        with read_only_view(target) as conn:
            found = inspect_connection(conn)
            _check_found(path, found)
            if found.user_version < SCHEMA_VERSION:
                _try_migration(path, conn, found.user_version)
    except StillChanging as exc:
        raise ProjectError(f"{path} is in use by another Cardwriter window or command; close it there first") from exc
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path} is damaged and cannot be opened ({exc}); use a backup copy") from exc
    except UnicodeDecodeError as exc:  # SQLite's own message quoted bytes of the damaged schema
        raise ProjectError(
            f"{path} is damaged and cannot be opened (its schema is unreadable); use a backup copy"
        ) from exc
    except OSError as exc:
        raise ProjectError(f"cannot check {path} before opening it: {_reason(exc)}") from exc


def _check_found(path: Path, found: Inspection) -> None:
    check_identity(path, found.application_id, found.user_version)
    if found.problem is not None:
        raise ProjectError(
            f"{path} is damaged and cannot be opened (integrity check failed: {found.problem}); use a backup copy"
        )
    _check_tables(path, found.user_version, found.columns)


def _try_migration(path: Path, conn: sqlite3.Connection, version: int) -> None:
    """Run the migrations on a copy in memory first, so one that would fail refuses the file untouched."""
    trial = sqlite3.connect(":memory:")
    try:
        conn.backup(trial)
        trial.execute("PRAGMA foreign_keys = ON")
        migrate(sqlite_utils.Database(trial), version)
    except sqlite3.Error as exc:
        raise ProjectError(
            f"cannot update {path} (project format {version}) to this version of Cardwriter: {_reason(exc)}; "
            "the file was left as it was"
        ) from exc
    finally:
        trial.close()


def check_identity(path: Path, application_id: int, user_version: int) -> None:
    """Refuse another application's database and a format this version does not know."""
    if application_id != APPLICATION_ID:
        raise ProjectError(
            f"cannot open {path}: it is an SQLite database of another application, not a Cardwriter project"
        )
    if user_version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path} was saved by a newer version of Cardwriter (project format {user_version}, "
            f"this version reads up to {SCHEMA_VERSION}); update Cardwriter to open it"
        )
    if user_version < 1:
        raise ProjectError(
            f"{path} has an impossible project format number ({user_version}); it is damaged, use a backup copy"
        )


def _connect(target: Path, wal: bool = True) -> sqlite_utils.Database:
    """Connect read-write with our pragmas, holding the file exclusively until close.

    With ``wal`` False the file keeps the journal mode it has until ``_use_wal``.
    """
    conn = sqlite3.connect(str(target), timeout=0.5, check_same_thread=False)
    try:
        # Exclusive locking before the first read: no shared-memory index, and
        # the lock is held until close, so another process sees "locked".
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    return sqlite_utils.Database(conn)


def _use_wal(db: sqlite_utils.Database) -> None:
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"the file cannot be switched to write-ahead logging (it stays in {mode} mode)")


def _reason(exc: BaseException) -> str:
    """The plain-words cause of a failed file operation."""
    if isinstance(exc, OSError):
        if exc.errno == 28:  # ENOSPC
            return "the disk is full; free some space and try again"
        return exc.strerror or str(exc)
    text = str(exc)
    if "disk is full" in text:
        return "the disk is full; free some space and try again"
    return text


def remove_project_file(path: Path) -> None:
    """Delete a project file we just created, and its companions; a link to it stays."""
    target = real_path(path)
    for leftover in (target, *(Path(f"{target}{s}") for s in COMPANION_SUFFIXES)):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass
