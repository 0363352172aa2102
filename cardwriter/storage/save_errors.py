"""Saying in plain words why a change could not be saved, and what to do.

SQLite reports a failed write as an error code; the writer needs to know
whether to free disk space, check a disk or a permission, or find a file
that was moved away, and that the text they typed is not lost.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cardwriter.errors import SaveFailed

KEPT = "your text is kept until it can be saved"  # the app keeps it; the command line keeps nothing
UNCHANGED = "nothing was saved and the project is unchanged"


def save_failure(path: Path, exc: sqlite3.Error, moved: bool = False) -> SaveFailed:
    """A ``SaveFailed`` for an SQLite error raised while writing ``path``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        cause = "the disk is full: free some space"
    elif moved or name == "SQLITE_READONLY_DBMOVED":
        cause = "the file was moved or deleted while open: put it back where it was, or save a copy under another name"
    elif name.startswith("SQLITE_READONLY") or "readonly" in text:
        cause = "the file or its folder has become read-only: make it writable again"
    elif name.startswith("SQLITE_IOERR") or "I/O error" in text:
        cause = "the disk reported an error (it may be full, removed or failing): check it"
    elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        cause = "another program is holding the file: close it"
    elif name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        cause = "the file is damaged: save a copy elsewhere and restore a backup"
    else:
        cause = f"SQLite said: {text}"
    head = f"could not save your changes to {path}: {cause}"
    return SaveFailed(f"{head}; {KEPT}", f"{head}; {UNCHANGED}")
