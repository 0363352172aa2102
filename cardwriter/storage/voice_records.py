"""The project file's voice records: who wrote each card's words, and the voice meter's history.

A mixin of ``Project`` (kept apart so project.py stays readable): it uses the
project's ``db`` and ``transaction``. Tables (schema version 4):

- ``card_origins``: per card, one letter per word (``domain.attribution``) and
  whether the writer marked the paragraph as theirs whatever its history;
- ``voice_points``: one row per acceptance, the draft's model share and distance then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import sqlite_utils

from cardwriter.domain.model import utc_now


@dataclass(frozen=True)
class VoicePoint:
    """The voice meter of a draft just after an acceptance."""

    at: str
    model_share: float  # of the draft's words, from the model
    distance: float | None  # of the model-sourced text from the writer's voice; None without a baseline


class VoiceRecords:
    # Given by Project, the class this mixin is part of.
    db: sqlite_utils.Database
    transaction: Callable[[], AbstractContextManager[None]]

    def card_origins(self, card_ids: Iterable[str]) -> dict[str, str]:
        """Stored attribution letters of those cards that have them."""
        ids = list(card_ids)
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for card_id, origins in self.db.execute(
                f"SELECT card_id, origins FROM card_origins WHERE card_id IN ({marks})", chunk
            ):
                found[card_id] = origins if isinstance(origins, str) else ""
        return found

    def set_card_origins(self, card_id: str, origins: str) -> None:
        with self.transaction():
            self.db.execute(
                """INSERT INTO card_origins (card_id, origins) VALUES (?, ?)
                   ON CONFLICT(card_id) DO UPDATE SET origins = excluded.origins""",
                [card_id, origins],
            )

    def mine_cards(self, card_ids: Iterable[str]) -> set[str]:
        """Cards the writer marked as theirs: part of the baseline whatever was accepted in them."""
        wanted = set(card_ids)
        return {
            row[0] for row in self.db.execute("SELECT card_id FROM card_origins WHERE mine = 1") if row[0] in wanted
        }

    def set_mine(self, card_id: str, mine: bool) -> None:
        with self.transaction():
            self.db.execute(
                """INSERT INTO card_origins (card_id, origins, mine) VALUES (?, '', ?)
                   ON CONFLICT(card_id) DO UPDATE SET mine = excluded.mine""",
                [card_id, int(mine)],
            )

    def add_voice_point(self, draft_id: str, model_share: float, distance: float | None, at: str | None = None) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO voice_points (draft_id, at, model_share, distance) VALUES (?, ?, ?, ?)",
                [draft_id, at or utc_now(), model_share, distance],
            )

    def voice_points(self, draft_id: str) -> list[VoicePoint]:
        return [
            VoicePoint(at, float(share), None if distance is None else float(distance))
            for at, share, distance in self.db.execute(
                "SELECT at, model_share, distance FROM voice_points WHERE draft_id = ? ORDER BY id", [draft_id]
            )
        ]
