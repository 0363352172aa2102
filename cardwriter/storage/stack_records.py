"""The project file's stack records: when each variant was accepted, and the links set aside.

A mixin of ``Project`` (kept apart so project.py stays readable): it uses the
project's ``db`` and ``transaction``. Tables (schema version 5):

- ``acceptances``: one row per acceptance of a variant into its card, with the
  time; the tree of tries reads it to say what was accepted when, and which text
  the card held when later variants were written. Undoing an acceptance takes its
  row back (``forget_latest_acceptance``).
- ``dismissed_links``: a link card (a note, or another paragraph that echoes
  this one) the writer marked "Not relevant" for a card: never offered there again.

Both go with their card (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import sqlite_utils

from cardwriter.domain.model import utc_now


@dataclass(frozen=True)
class Acceptance:
    """A variant swapped into its card at ``at`` (ISO 8601, UTC)."""

    variant_id: str
    at: str


class StackRecords:
    # Given by Project, the class this mixin is part of.
    db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[None]]

    # -- acceptances ---------------------------------------------------------------

    def record_acceptance(self, card_id: str, variant_id: str, at: str | None = None) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO acceptances (card_id, variant_id, at) VALUES (?, ?, ?)",
                [card_id, variant_id, at or utc_now()],
            )

    def acceptances(self, card_id: str) -> list[Acceptance]:
        """The card's acceptances, oldest first."""
        return [
            Acceptance(variant_id, at)
            for variant_id, at in self.db.execute(
                "SELECT variant_id, at FROM acceptances WHERE card_id = ? ORDER BY id", [card_id]
            )
        ]

    def forget_latest_acceptance(self, card_id: str, variant_id: str) -> None:
        """Take back the newest record of ``variant_id``'s acceptance into ``card_id`` (an undone accept)."""
        with self.transaction():
            self.db.execute(
                """DELETE FROM acceptances WHERE id = (
                       SELECT MAX(id) FROM acceptances WHERE card_id = ? AND variant_id = ?)""",
                [card_id, variant_id],
            )

    # -- links set aside ---------------------------------------------------------------

    def dismissed_links(self, card_ids: Iterable[str] | None = None) -> dict[str, set[str]]:
        """Per card, the ids of the notes and paragraphs the writer marked "Not relevant" for it
        (every card of the project when ``card_ids`` is None)."""
        found: dict[str, set[str]] = {}
        if card_ids is None:
            rows = self.db.execute("SELECT card_id, target_id FROM dismissed_links")
            for card_id, target_id in rows:
                found.setdefault(card_id, set()).add(target_id)
            return found
        ids = list(card_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for card_id, target_id in self.db.execute(
                f"SELECT card_id, target_id FROM dismissed_links WHERE card_id IN ({marks})", chunk
            ):
                found.setdefault(card_id, set()).add(target_id)
        return found

    def dismiss_link(self, card_id: str, target_id: str) -> None:
        """Never offer ``target_id`` (a note or a card) as a link of ``card_id`` again; twice changes nothing."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO dismissed_links (card_id, target_id, at) VALUES (?, ?, ?)",
                [card_id, target_id, utc_now()],
            )

    def restore_link(self, card_id: str, target_id: str) -> None:
        """Offer ``target_id`` to ``card_id`` again (an undone "Not relevant")."""
        with self.transaction():
            self.db.execute("DELETE FROM dismissed_links WHERE card_id = ? AND target_id = ?", [card_id, target_id])
