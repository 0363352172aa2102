"""The project file's writing aids: the project's own dictionary and the session word target.

A mixin of ``Project`` (kept apart so project.py stays readable): it uses the
project's ``db`` and ``transaction``. The words and the target belong to the
project, so they travel with the file to another machine.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import sqlite_utils


class WritingAids:
    # Given by Project, the class this mixin is part of.
    db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[None]]

    def dictionary_words(self) -> list[str]:
        """The words the writer added to this project's dictionary, in alphabetical order."""
        return [row[0] for row in self.db.execute("SELECT word FROM dictionary_words ORDER BY word")]

    def add_dictionary_word(self, word: str) -> None:
        """Add ``word`` (as written) to the project's dictionary; adding it twice changes nothing."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO dictionary_words (word, added) VALUES (?, ?)",
                [word, datetime.now(UTC).isoformat(timespec="seconds")],
            )

    def remove_dictionary_word(self, word: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM dictionary_words WHERE word = ?", [word])

    def session_target(self) -> int:
        """Words the writer means to write in one session; 0 when no target is set."""
        row = self.db.execute("SELECT words FROM session_target WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    def set_session_target(self, words: int) -> None:
        """Keep the session target (0 or less clears it)."""
        with self.transaction():
            if words > 0:
                self.db.execute("INSERT OR REPLACE INTO session_target (id, words) VALUES (1, ?)", [int(words)])
            else:
                self.db.execute("DELETE FROM session_target")
