"""Turning table rows into domain objects and back.

A project file can hold values SQLite accepts but Cardwriter never writes: a
BLOB or a number where text belongs, invalid UTF-8 stored as TEXT, a NULL
from a hand-edited file. The app above must only ever see ``str`` for text
(a GUI handed bytes or None can crash outright), so every text value read
here goes through ``TextReader``: it decodes leniently, with U+FFFD for bad
bytes, and records what it repaired so the app can tell the writer. The
repaired text is written back only if the writer edits it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cardwriter import json_input
from cardwriter.domain.model import Card, Note, Provenance, Variant, VariantKind, VariantState

VARIANT_COLUMNS = (
    "v.id, v.text, v.state, v.kind, v.angle, v.model, v.preset, v.seed, v.parent_id, v.note_ids, v.created"
)


@dataclass
class TextReader:
    """Makes every text value a ``str`` and keeps a list of what it had to repair."""

    repairs: list[str] = field(default_factory=list)

    def decode(self, raw: bytes) -> str:
        """The connection's text factory: UTF-8, with replacement characters where it is invalid."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.repairs.append("text that was not valid UTF-8 (shown with \ufffd where bytes were bad)")
            return raw.decode("utf-8", errors="replace")

    def text(self, value: Any, where: str) -> str:
        if isinstance(value, str):
            return value
        if value is None:
            self.repairs.append(f"{where}: empty (NULL) text, shown as empty")
            return ""
        if isinstance(value, (bytes, bytearray, memoryview)):
            self.repairs.append(f"{where}: binary data where text belongs, decoded as UTF-8")
            return bytes(value).decode("utf-8", errors="replace")
        self.repairs.append(f"{where}: a {type(value).__name__} where text belongs, shown as text")
        return str(value)

    def optional_text(self, value: Any, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def json_list(self, value: Any, where: str) -> tuple[str, ...]:
        try:
            items = json_input.loads(self.text(value, where))  # nested too deep: a ValueError too
        except ValueError:
            self.repairs.append(f"{where}: an unreadable list, shown as empty")
            return ()
        if not isinstance(items, list):
            self.repairs.append(f"{where}: not a list, shown as empty")
            return ()
        return tuple(self.text(item, where) for item in items)


def variant_from_row(reader: TextReader, row: tuple) -> Variant:
    vid, text, state, kind, angle, model, preset, seed, parent_id, note_ids, created = row
    where = f"variant {vid}"
    provenance = Provenance(
        kind=_enum(reader, VariantKind, kind, VariantKind.REWRITE, where),
        angle=reader.optional_text(angle, where),
        model=reader.optional_text(model, where),
        preset=reader.optional_text(preset, where),
        seed=seed if isinstance(seed, int) else None,
        parent_id=reader.optional_text(parent_id, where),
        note_ids=reader.json_list(note_ids, where),
        created=reader.text(created, where),
    )
    return Variant(
        id=reader.text(vid, where),
        text=reader.text(text, where),
        provenance=provenance,
        state=_enum(reader, VariantState, state, VariantState.IN_STACK, where),
    )


def card_from_row(reader: TextReader, card_id: Any, text: Any, separator: Any) -> Card:
    where = f"card {card_id}"
    return Card(id=reader.text(card_id, where), text=reader.text(text, where), separator=reader.text(separator, where))


def note_from_row(reader: TextReader, row: tuple) -> Note:
    nid, text, source, tags, created = row
    where = f"note {nid}"
    return Note(
        id=reader.text(nid, where),
        text=reader.text(text, where),
        source=reader.text(source, where),
        tags=reader.json_list(tags, where),
        created=reader.text(created, where),
    )


def _enum(reader: TextReader, enum: type, value: Any, default: Any, where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        reader.repairs.append(f"{where}: unknown {enum.__name__} {value!r}, shown as {default.value}")
        return default


def variant_row(card_id: str, position: int, variant: Variant) -> dict[str, Any]:
    p = variant.provenance
    return {
        "id": variant.id,
        "card_id": card_id,
        "position": position,
        "text": variant.text,
        "state": variant.state.value,
        "kind": p.kind.value,
        "angle": p.angle,
        "model": p.model,
        "preset": p.preset,
        "seed": p.seed,
        "parent_id": p.parent_id,
        "note_ids": json.dumps(list(p.note_ids)),
        "created": p.created,
    }


def card_row(draft_id: str, position: int, card: Card) -> dict[str, Any]:
    return {"id": card.id, "draft_id": draft_id, "position": position, "text": card.text, "separator": card.separator}


def note_row(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "text": note.text,
        "source": note.source,
        "tags": json.dumps(list(note.tags)),
        "created": note.created,
    }
