"""A project: the drafts, cards, variants, notes and embeddings in one file.

``Project`` reads and writes domain objects. Every public method that writes
is one transaction; a service that performs several steps for one user
action wraps them in ``project.transaction()`` so they land together or not
at all (nested transactions become savepoints).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from cardwriter.domain.model import Card, Draft, Note, Variant, VariantState
from cardwriter.errors import ProjectError
from cardwriter.storage.project_file import create_project_file, file_identity, open_project_file
from cardwriter.storage.rows import (
    VARIANT_COLUMNS,
    TextReader,
    card_from_row,
    card_row,
    note_from_row,
    note_row,
    variant_from_row,
    variant_row,
)
from cardwriter.storage.save_errors import save_failure
from cardwriter.storage.stack_records import StackRecords
from cardwriter.storage.voice_records import VoiceRecords
from cardwriter.storage.writing_aids import WritingAids


@dataclass(frozen=True)
class CardRecord:
    id: str
    draft_id: str
    position: int
    text: str
    separator: str


@dataclass(frozen=True)
class DraftSummary:
    id: str
    title: str
    card_count: int


class Project(WritingAids, VoiceRecords, StackRecords):
    """An open project file. Close it (or use it as a context manager) when done."""

    def __init__(self, path: Path, db: sqlite_utils.Database):
        self.path = Path(path)
        self.db = db
        self._reader = TextReader()
        db.conn.text_factory = self._reader.decode
        self._file_id = file_identity(self.path)

    @property
    def repairs(self) -> list[str]:
        """Text values read so far that were not proper text and were shown repaired (see rows.py).

        Each once: the same card is read again whenever a draft is loaded.
        """
        return list(dict.fromkeys(self._reader.repairs))

    # -- opening and closing -------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> Project:
        return cls(path, create_project_file(Path(path)))

    @classmethod
    def open(cls, path: Path) -> Project:
        return cls(path, open_project_file(Path(path)))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One user action: everything inside commits together, or nothing does.

        When SQLite cannot write (disk full, I/O error, the file read-only or
        removed) the whole action is rolled back and ``SaveFailed`` says what
        to do; the connection stays usable, so the same call can be retried
        once the cause is fixed. Constraint violations (a bug or bad input,
        not a failed save) pass through as they are.
        """
        if not self.db.conn.in_transaction and file_identity(self.path) != self._file_id:
            # SQLite would go on writing to the removed file, and the edits would vanish on close.
            raise save_failure(self.path, sqlite3.OperationalError("file moved"), moved=True)
        try:
            with self.db.atomic():
                yield
        except UnicodeEncodeError as exc:  # lone surrogates: a name's bytes that were not UTF-8
            bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
            shown = ", ".join(f"U+{ord(char):04X}" for char in bad[:3])
            raise ProjectError(
                f"cannot save to {self.path}: the text holds characters that are not valid Unicode ({shown}), "
                "such as bytes of a name that is not UTF-8; nothing was saved"
            ) from exc
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as exc:
            if self.db.conn.in_transaction:  # a failed COMMIT can leave it open
                with contextlib.suppress(sqlite3.Error):
                    self.db.conn.execute("ROLLBACK")
            raise save_failure(self.path, exc) from exc

    # -- drafts --------------------------------------------------------------

    def drafts(self) -> list[DraftSummary]:
        rows = self.db.execute(
            """SELECT d.id, d.title, COUNT(c.id) FROM drafts d
               LEFT JOIN cards c ON c.draft_id = d.id
               GROUP BY d.id ORDER BY d.position"""
        )
        return [DraftSummary(*row) for row in rows]

    def add_draft(self, draft: Draft) -> None:
        """Store a new draft with its cards and their variants.

        Titles stay unique, so a title finds one draft: one the project already
        has gets the first free number, "chapter (2)", and ``draft.title`` is
        changed to the title stored.
        """
        with self.transaction():
            draft.title = self.free_title(draft.title)
            position = self.db.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM drafts").fetchone()[0]
            self.db.table("drafts").insert(
                {
                    "id": draft.id,
                    "title": draft.title,
                    "leading": draft.leading,
                    "position": position,
                    "created": draft.created,
                }
            )
            self.db.table("cards").insert_all(card_row(draft.id, index, card) for index, card in enumerate(draft.cards))
            self.db.table("variants").insert_all(
                variant_row(card.id, index, variant)
                for card in draft.cards
                for index, variant in enumerate(card.variants)
            )

    def load_draft(self, draft_id: str) -> Draft:
        row = self.db.execute("SELECT id, title, leading, created FROM drafts WHERE id = ?", [draft_id]).fetchone()
        if row is None:
            raise ProjectError(f"{self.path} has no draft with id {draft_id}")
        where = f"draft {draft_id}"
        text = self._reader.text
        draft = Draft(id=draft_id, title=text(row[1], where), leading=text(row[2], where), created=text(row[3], where))
        cards: dict[str, Card] = {}
        for card_id, card_text, separator in self.db.execute(
            "SELECT id, text, separator FROM cards WHERE draft_id = ? ORDER BY position", [draft_id]
        ):
            card = card_from_row(self._reader, card_id, card_text, separator)
            cards[card_id] = card
            draft.cards.append(card)
        for row in self.db.execute(
            f"""SELECT v.card_id, {VARIANT_COLUMNS} FROM variants v
                JOIN cards c ON c.id = v.card_id
                WHERE c.draft_id = ? ORDER BY v.card_id, v.position""",
            [draft_id],
        ):
            cards[row[0]].variants.append(variant_from_row(self._reader, row[1:]))
        return draft

    def load_drafts(self) -> list[Draft]:
        return [self.load_draft(summary.id) for summary in self.drafts()]

    def free_title(self, title: str) -> str:
        """``title`` if no draft has it, else the first of "title (2)", "title (3)" ... that none has.

        A draft's id is taken too: a title equal to another draft's id would name two drafts.
        """
        taken = {row[0] for row in self.db.execute("SELECT title FROM drafts UNION SELECT id FROM drafts")}
        number = 2
        free = title
        while free in taken:
            free = f"{title} ({number})"
            number += 1
        return free

    def rename_draft(self, draft_id: str, title: str) -> None:
        """Give a draft a new title; a title another draft has is refused (``ProjectError``)."""
        with self.transaction():
            clash = self.db.execute("SELECT 1 FROM drafts WHERE title = ? AND id != ?", [title, draft_id]).fetchone()
            if clash is not None:
                raise ProjectError(f"{self.path} already has a draft called '{title}'; choose another title")
            self.db.table("drafts").update(draft_id, {"title": title})

    def delete_draft(self, draft_id: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])

    def move_draft(self, draft_id: str, index: int) -> None:
        """Put the draft at ``index`` in the project's order (clamped), renumbering them all."""
        order = [d.id for d in self.drafts() if d.id != draft_id]
        order.insert(max(0, min(index, len(order))), draft_id)
        with self.transaction():
            for position, some_id in enumerate(order):
                self.db.execute("UPDATE drafts SET position = ? WHERE id = ?", [position, some_id])

    # -- cards ---------------------------------------------------------------

    def card_count(self, draft_id: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM cards WHERE draft_id = ?", [draft_id]).fetchone()[0]

    def card(self, card_id: str) -> CardRecord:
        """Where a card is and what it holds, without its variants."""
        row = self.db.execute(
            "SELECT draft_id, position, text, separator FROM cards WHERE id = ?", [card_id]
        ).fetchone()
        if row is None:
            raise ProjectError(f"{self.path} has no card with id {card_id}")
        where = f"card {card_id}"
        return CardRecord(card_id, row[0], row[1], self._reader.text(row[2], where), self._reader.text(row[3], where))

    def set_card_text(self, card_id: str, text: str) -> None:
        with self.transaction():
            self.card(card_id)
            self.db.execute("UPDATE cards SET text = ? WHERE id = ?", [text, card_id])

    def set_card_separator(self, card_id: str, separator: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE cards SET separator = ? WHERE id = ?", [separator, card_id])

    def insert_card(self, draft_id: str, index: int, card: Card) -> None:
        """Insert ``card`` so that it becomes the draft's card number ``index``."""
        with self.transaction():
            index = max(0, min(index, self.card_count(draft_id)))
            self.db.execute(
                "UPDATE cards SET position = position + 1 WHERE draft_id = ? AND position >= ?",
                [draft_id, index],
            )
            self.db.table("cards").insert(card_row(draft_id, index, card))
            self.db.table("variants").insert_all(variant_row(card.id, i, v) for i, v in enumerate(card.variants))

    def delete_card(self, card_id: str) -> None:
        with self.transaction():
            card = self.card(card_id)
            self.db.execute("DELETE FROM cards WHERE id = ?", [card_id])
            self.db.execute(
                "UPDATE cards SET position = position - 1 WHERE draft_id = ? AND position > ?",
                [card.draft_id, card.position],
            )

    def move_card(self, card_id: str, index: int) -> None:
        """Move a card so that it becomes card number ``index`` of its draft."""
        with self.transaction():
            card = self.card(card_id)
            draft_id, old = card.draft_id, card.position
            new = max(0, min(index, self.card_count(draft_id) - 1))
            if new == old:
                return
            if new > old:
                self.db.execute(
                    "UPDATE cards SET position = position - 1 WHERE draft_id = ? AND position > ? AND position <= ?",
                    [draft_id, old, new],
                )
            else:
                self.db.execute(
                    "UPDATE cards SET position = position + 1 WHERE draft_id = ? AND position >= ? AND position < ?",
                    [draft_id, new, old],
                )
            self.db.execute("UPDATE cards SET position = ? WHERE id = ?", [new, card_id])

    def card_ids(self, draft_id: str) -> list[str]:
        return [
            row[0] for row in self.db.execute("SELECT id FROM cards WHERE draft_id = ? ORDER BY position", [draft_id])
        ]

    # -- variants ------------------------------------------------------------

    def variants(self, card_id: str) -> list[Variant]:
        return [
            variant_from_row(self._reader, row)
            for row in self.db.execute(
                f"SELECT {VARIANT_COLUMNS} FROM variants v WHERE card_id = ? ORDER BY position", [card_id]
            )
        ]

    def add_variants(self, card_id: str, variants: Iterable[Variant]) -> None:
        with self.transaction():
            self.card(card_id)
            start = self.db.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM variants WHERE card_id = ?", [card_id]
            ).fetchone()[0]
            self.db.table("variants").insert_all(
                variant_row(card_id, start + i, variant) for i, variant in enumerate(variants)
            )

    def set_variant_state(self, variant_id: str, state: VariantState) -> None:
        with self.transaction():
            cursor = self.db.execute("UPDATE variants SET state = ? WHERE id = ?", [state.value, variant_id])
            if cursor.rowcount == 0:
                raise ProjectError(f"{self.path} has no variant with id {variant_id}")

    def move_variants(self, from_card_id: str, to_card_id: str, variant_ids: Iterable[str] | None = None) -> list[str]:
        """Give one card's variants (all, or those named) to another, after its own.

        Used when merging cards and undoing a merge. Returns the ids moved.
        """
        with self.transaction():
            start = self.db.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM variants WHERE card_id = ?", [to_card_id]
            ).fetchone()[0]
            moving = [
                row[0]
                for row in self.db.execute(
                    "SELECT id FROM variants WHERE card_id = ? ORDER BY position", [from_card_id]
                )
            ]
            if variant_ids is not None:
                wanted = set(variant_ids)
                moving = [vid for vid in moving if vid in wanted]
            self.db.conn.executemany(
                "UPDATE variants SET card_id = ?, position = ? WHERE id = ?",
                [(to_card_id, start + i, vid) for i, vid in enumerate(moving)],
            )
        return moving

    def restore_variants(self, card_id: str, keep: Iterable[Variant], remove_ids: Iterable[str]) -> None:
        """Put variants back as they were (text and state), and remove others: for undo and redo.

        A variant in ``keep`` that is missing is added at the end of the stack.
        """
        with self.transaction():
            for variant in keep:
                cursor = self.db.execute(
                    "UPDATE variants SET text = ?, state = ? WHERE id = ? AND card_id = ?",
                    [variant.text, variant.state.value, variant.id, card_id],
                )
                if cursor.rowcount == 0:
                    self.add_variants(card_id, [variant])
            self.db.conn.executemany("DELETE FROM variants WHERE id = ?", [(vid,) for vid in remove_ids])

    # -- notes ---------------------------------------------------------------

    def notes(self) -> list[Note]:
        return [
            note_from_row(self._reader, row)
            for row in self.db.execute("SELECT id, text, source, tags, created FROM notes ORDER BY created, rowid")
        ]

    def add_notes(self, notes: Iterable[Note]) -> None:
        with self.transaction():
            self.db.table("notes").insert_all(note_row(note) for note in notes)

    def update_note(self, note: Note) -> None:
        with self.transaction():
            self.db.table("notes").update(note.id, note_row(note))

    def delete_note(self, note_id: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM notes WHERE id = ?", [note_id])

    # -- embeddings ----------------------------------------------------------

    def embeddings(self, model: str, text_hashes: Iterable[str]) -> dict[str, bytes]:
        """Stored vectors (raw float32 bytes) for those hashes that have one."""
        found: dict[str, bytes] = {}
        hashes = list(text_hashes)
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for text_hash, vector in self.db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
                [model, *chunk],
            ):
                found[text_hash] = vector
        return found

    def put_embeddings(self, model: str, vectors: Mapping[str, bytes], dim: int) -> None:
        with self.transaction():
            self.db.table("embeddings").upsert_all(
                ({"model": model, "text_hash": h, "dim": dim, "vector": v} for h, v in vectors.items()),
                pk=("model", "text_hash"),
            )

    # -- checks --------------------------------------------------------------

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]
