"""Opening and creating ``*.cardwriter`` project files, safely.

A project is one SQLite file in WAL mode with foreign keys on and full
fsync on commit. Before SQLite opens an existing file we check its header
ourselves (see ``header.py``), so a damaged, foreign or newer file is refused
without a byte of it changing. The file is opened with an exclusive lock for
as long as it is open: a second process (another window, a script) is told
the project is in use instead of racing the first one's edits.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from cardwriter.errors import ProjectError
from cardwriter.storage.header import APPLICATION_ID, HeaderProblem, read_header
from cardwriter.storage.schema import SCHEMA_VERSION, migrate

SUFFIX = ".cardwriter"


def create_project_file(path: Path) -> sqlite_utils.Database:
    """Create a new, empty project at ``path`` and return it open."""
    path = Path(path)
    if path.exists():
        raise ProjectError(f"{path} already exists; open it, or choose another name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ProjectError(f"cannot create {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ProjectError(f"cannot create {path}: the folder {folder} is read-only; choose a folder you can write to")
    try:
        db = _connect(path)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate(db, 0)
        # Write the header into the main file now, so it names its owner at once.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        remove_project_file(path)
        raise ProjectError(f"cannot create {path}: {exc}") from exc
    return db


def open_project_file(path: Path) -> sqlite_utils.Database:
    """Open an existing project, migrating it if it comes from an older version."""
    path = Path(path)
    _check_before_opening(path)
    try:
        db = _connect(path, lambda conn: _check_identity(path, *_identity(conn)))
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise ProjectError(
                f"{path} is in use by another Cardwriter window or command; close it there first"
            ) from exc
        raise ProjectError(f"cannot open {path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path} is damaged and cannot be opened ({exc}); use a backup copy") from exc
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            migrate(db, version)
    except sqlite3.Error as exc:
        db.close()
        raise ProjectError(f"cannot update {path} to this version of Cardwriter: {exc}") from exc
    return db


def _check_before_opening(path: Path) -> None:
    if not path.exists():
        raise ProjectError(f"{path} does not exist; create it with 'cardwriter new {path}'")
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not a Cardwriter project")
    size = path.stat().st_size
    if size == 0:
        raise ProjectError(f"{path} is empty, not a Cardwriter project")
    try:
        header = read_header(path)
    except HeaderProblem as exc:
        raise ProjectError(f"cannot open {path}: {exc}") from exc
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror}") from exc
    if not _has_wal(path):  # otherwise the newest header may still be in the WAL file
        _check_identity(path, header.application_id, header.user_version)
    if header.expected_size is not None and size < header.expected_size:
        raise ProjectError(
            f"{path} is damaged: it is cut short ({size} of {header.expected_size} bytes); use a backup copy"
        )
    folder = path.parent
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        where = path if not os.access(path, os.W_OK) else folder
        raise ProjectError(
            f"cannot open {path}: {where} is read-only; every edit is saved as you go, so Cardwriter "
            "needs to write there. Change its permissions or copy the project to a folder you can write to"
        )


def _check_identity(path: Path, application_id: int, user_version: int) -> None:
    if application_id != APPLICATION_ID:
        raise ProjectError(f"cannot open {path}: it is an SQLite database of another application, not a Cardwriter project")
    if user_version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path} was saved by a newer version of Cardwriter (project format {user_version}, "
            f"this version reads up to {SCHEMA_VERSION}); update Cardwriter to open it"
        )


def _identity(conn: sqlite3.Connection) -> tuple[int, int]:
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    return application_id, user_version


def _has_wal(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _connect(path: Path, check: Callable[[sqlite3.Connection], None] | None = None) -> sqlite_utils.Database:
    """Connect with our pragmas, holding the file exclusively, and check it is sound.

    ``check`` runs after the file has been read and before anything is written.
    """
    conn = sqlite3.connect(str(path), timeout=0.5, check_same_thread=False)
    try:
        # Exclusive locking before the first read: no shared-memory index, and
        # the lock is held until close, so another process sees "locked".
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {result}")
        if check is not None:
            check(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    return sqlite_utils.Database(conn)


def remove_project_file(path: Path) -> None:
    """Delete a project file and its companions; only for files we just created."""
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass
