"""Project files exactly as an older schema made them, for the migration tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from cardwriter.storage.header import APPLICATION_ID
from cardwriter.storage.schema import MIGRATIONS


@contextmanager
def file_at_version(path, version: int) -> Iterator[sqlite_utils.Database]:
    """A WAL project file at schema ``version`` (its migrations run, nothing after); fill it in the block.

    The rows go in one transaction; the file is checkpointed and closed after the block."""
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with db.conn:
        for step in range(version):
            MIGRATIONS[step](db)
        db.execute(f"PRAGMA user_version = {version}")
        yield db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
