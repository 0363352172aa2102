"""Backups of a project: complete, checkpointed copies, written safely and kept in rotation.

A backup is made with SQLite's online backup API from the project's own open
connection, so it holds everything committed, including changes still in the
write-ahead log, and the result is a single self-contained ``.cardwriter``
file that ``Project.open`` opens like any project. It is written by
``cardwriter.safe_write.create_file``: to a temporary file in the destination
folder, fsynced, then linked into place, which fails rather than replacing a
file that appeared meanwhile: a backup never overwrites the project, nor any
existing file.

For the GUI: ``rotate(project)`` after a while of editing and on close;
``backups(project.path)`` lists what there is, newest first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import platformdirs

from cardwriter.errors import UserError
from cardwriter.safe_write import create_file
from cardwriter.storage.project import Project

DEFAULT_KEEP = 10
SUFFIX = ".cardwriter"
_STAMP = "%Y%m%d-%H%M%S"


def default_backup_folder(project_path: Path) -> Path:
    """Where a project's backups go by default: the user data folder, one folder per project file.

    The folder name has the project's name (to be found by a person) and a
    short hash of its full path (so two projects called "novel" stay apart).
    """
    real = os.path.realpath(project_path)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return Path(platformdirs.user_data_dir("cardwriter")) / "backups" / f"{Path(real).stem}-{digest}"


def back_up(project: Project, dest: Path) -> Path:
    """Write a complete copy of ``project`` to the new file ``dest`` and return it."""
    return _write_copy(project, Path(dest), "back up")


def save_copy(project: Project, dest: Path) -> Path:
    """Save As: the same safe copy as a backup, with Save As's wording in its messages."""
    return _write_copy(project, Path(dest), "save a copy")


def _write_copy(project: Project, dest: Path, doing: str) -> Path:
    """Copy ``project`` into the new file ``dest`` through ``safe_write.create_file``.

    SQLite's backup API writes a temporary file beside ``dest``, which is
    then fsynced and linked into place. ``doing`` ("back up", "save a copy")
    names the operation in the messages.
    """
    if os.path.lexists(dest):
        raise UserError(f"will not {doing} to {dest}: it already exists; choose a new file name or a folder")
    if os.path.realpath(dest) == os.path.realpath(project.path):
        raise UserError(f"will not {doing} {project.path} onto itself")

    def fill(temp: Path) -> None:
        copy = sqlite3.connect(str(temp))
        try:
            project.db.conn.backup(copy)
        finally:
            copy.close()

    try:
        return create_file(dest, fill, doing)
    except sqlite3.Error as exc:
        raise UserError(
            f"could not {doing} {project.path} to {dest}: {_why(exc)}; the project itself is unchanged"
        ) from exc


def rotate(project: Project, folder: Path | None = None, keep: int | None = DEFAULT_KEEP) -> Path:
    """Write a timestamped backup into ``folder`` and delete all but the newest ``keep`` of them.

    ``folder`` defaults to ``default_backup_folder``; ``keep=None`` deletes
    nothing. Only files named like this project's backups are ever deleted.
    """
    if keep is not None and keep < 1:
        raise UserError(f"keep at least 1 backup, not {keep}")
    folder = default_backup_folder(project.path) if folder is None else Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot make the backups folder {folder}: {_why(exc)}") from exc
    stem = Path(os.path.realpath(project.path)).stem
    stamp = datetime.now().strftime(_STAMP)
    # Several backups in one second are numbered after the newest, so names keep sorting by age.
    same_second = [key[1] for key, _ in _backups_with_keys(project.path, folder) if key[0] == stamp]
    counter = max(same_second, default=0) + 1
    name = f"{stem}-{stamp}{SUFFIX}" if counter == 1 else f"{stem}-{stamp}-{counter}{SUFFIX}"
    written = back_up(project, folder / name)
    if keep is not None:
        for old in backups(project.path, folder)[keep:]:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    return written


def backups(project_path: Path, folder: Path | None = None) -> list[Path]:
    """The backups of this project in ``folder`` (default: its default folder), newest first."""
    return [path for _, path in _backups_with_keys(project_path, folder)]


def _backups_with_keys(project_path: Path, folder: Path | None) -> list[tuple[tuple[str, int], Path]]:
    folder = default_backup_folder(project_path) if folder is None else Path(folder)
    stem = Path(os.path.realpath(project_path)).stem
    pattern = re.compile(rf"{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(SUFFIX)}")
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in folder.iterdir():
            match = pattern.fullmatch(entry.name)
            if match and entry.is_file() and not entry.is_symlink():
                found.append(((match.group(1), int(match.group(2) or 1)), entry))
    return sorted(found, reverse=True)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == 28 or "disk is full" in str(exc):
        return "the disk is full; free some space"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
