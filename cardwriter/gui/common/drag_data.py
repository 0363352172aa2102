"""What a drag carries between the window's parts: a card's id or notes' ids, as MIME data.

The draft column and the notes library both take drops of the other's items (a
note dropped on a card fuses the two; cards and notes both move inside their own
list), so the MIME types they share live here, below both features.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData

CARD_MIME = "application/x-cardwriter-card-id"
NOTE_MIME = "application/x-cardwriter-note-id"


def note_ids_from(mime: QMimeData) -> list[str]:
    """The ids of the notes a drag carries, in order; none for any other drag."""
    if not mime.hasFormat(NOTE_MIME):
        return []
    return [i for i in bytes(mime.data(NOTE_MIME).data()).decode().split("\n") if i]
