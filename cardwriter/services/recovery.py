"""Recovery files: card text that could not be saved, kept safe outside the project.

When saving to the project fails (a full disk, a removed USB stick) the GUI
still holds the writer's text in memory. ``RecoveryJournal.save`` writes it
to a small JSON file in the user data folder (atomically, fsynced), one file
per project path, so it survives the app being closed or crashing. When that
project is opened next, ``pending`` lists what is waiting and ``apply``
writes it into the project, then clears it.

A recovered text whose card no longer exists is not thrown away: it becomes
a new card at the end of its draft, or, when the draft is gone too, a note
(notes are the library of loose passages, so the writer finds it there).

Cards split, merged, added, deleted or moved while saving failed are kept
too (``keep``, with ``DraftSession.unsaved``'s ``UnsavedEdits``): the file
then also holds, per draft, the order of its cards and the cards removed,
and ``apply`` gives the new cards their ids and places, deletes the removed
ones and puts the draft in that order, so it holds the paragraphs as typed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from cardwriter import json_input
from cardwriter.domain.model import Card, Note, utc_now
from cardwriter.errors import ProjectError, UserError
from cardwriter.services.pending_edits import UnsavedEdits
from cardwriter.services.text_files import read_text_file, write_text_atomically
from cardwriter.storage.project import Project

FORMAT = "cardwriter-recovery"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class RecoveredText:
    card_id: str
    draft_id: str | None
    text: str
    saved: str  # when it was written to the recovery file (ISO 8601, UTC)
    separator: str | None = None  # the whitespace after the paragraph, when it was kept too


@dataclass(frozen=True)
class DraftShape:
    """A draft's cards as the writer left them: every card id in order, and the ids removed."""

    order: list[str]
    removed: list[str]


@dataclass
class Applied:
    """What ``apply`` did with each recovered text (card ids, and ids of the new notes)."""

    restored: list[str] = field(default_factory=list)  # texts written back into their cards (or where they were)
    new_cards: list[str] = field(default_factory=list)  # cards that were gone, added at the end of the draft
    new_notes: list[str] = field(default_factory=list)  # texts whose draft was gone too


def default_recovery_folder() -> Path:
    return Path(platformdirs.user_data_dir("cardwriter")) / "recovery"


class RecoveryJournal:
    """Unsaved card texts per project, in ``folder`` (default: the user data folder's "recovery")."""

    def __init__(self, folder: Path | None = None):
        self.folder = default_recovery_folder() if folder is None else Path(folder)

    def file_for(self, project_path: Path) -> Path:
        """The recovery file of a project: its name plus a hash of its full path."""
        real = os.path.realpath(project_path)
        digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return self.folder / f"{Path(real).stem}-{digest}.json"

    def save(self, project_path: Path, texts: Mapping[str, str], draft_id: str | None = None) -> Path:
        """Keep ``texts`` (card id -> text) of cards in ``draft_id``; newer text for a card replaces older."""
        entries, shapes = self._read(project_path)
        now = utc_now()
        for card_id, text in texts.items():
            entries[card_id] = RecoveredText(card_id, draft_id, text, now)
        return self._write(project_path, entries, shapes)

    def keep(self, project_path: Path, edits: UnsavedEdits, saved: Iterable[str] = ()) -> Path:
        """Keep all a draft's file lacks: texts (with separators), and its order and removed cards if changed.

        Newer text for a card replaces older; the draft's order replaces the one kept before.
        ``saved``: cards kept here before whose text the file has now (their entries go).
        """
        entries, shapes = self._read(project_path)
        now = utc_now()
        for card_id in [*edits.removed, *saved]:
            entries.pop(card_id, None)
        for card_id, text in edits.texts.items():
            entries[card_id] = RecoveredText(card_id, edits.draft_id, text, now, edits.separators.get(card_id))
        if edits.order is not None:
            shapes[edits.draft_id] = DraftShape(list(edits.order), list(edits.removed))
        else:  # the file has the cards in this order again
            shapes.pop(edits.draft_id, None)
        return self._write(project_path, entries, shapes)

    def forget(self, project_path: Path, card_ids: Iterable[str], draft_ids: Iterable[str] = ()) -> None:
        """Remove what is now saved (those cards' texts, those drafts' order); keep the rest."""
        entries, shapes = self._read(project_path)
        for card_id in card_ids:
            entries.pop(card_id, None)
        for draft_id in draft_ids:
            shapes.pop(draft_id, None)
        if entries or shapes:
            self._write(project_path, entries, shapes)
        else:
            self.discard(project_path)

    def pending(self, project_path: Path) -> list[RecoveredText]:
        """The texts waiting to be put back into this project, oldest first."""
        return list(self._read(project_path)[0].values())

    def shapes(self, project_path: Path) -> dict[str, DraftShape]:
        """The drafts whose cards were split, merged, added, deleted or moved while saving failed."""
        return self._read(project_path)[1]

    def _read(self, project_path: Path) -> tuple[dict[str, RecoveredText], dict[str, DraftShape]]:
        path = self.file_for(project_path)
        if not path.exists():
            return {}, {}
        try:
            data = json_input.loads(read_text_file(path))  # too deep: a ValueError, as below
            entries = [
                RecoveredText(
                    str(e["card_id"]),
                    e.get("draft_id"),
                    str(e["text"]),
                    str(e["saved"]),
                    None if e.get("separator") is None else str(e["separator"]),
                )
                for e in data["entries"]
            ]
            shapes = {
                str(draft_id): DraftShape([str(i) for i in shape["order"]], [str(i) for i in shape["removed"]])
                for draft_id, shape in data.get("drafts", {}).items()
            }
        except (UserError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UserError(
                f"the recovery file {path} is damaged ({exc}); it was left in place, open it in a text editor "
                "to copy out what it holds"
            ) from exc
        return {entry.card_id: entry for entry in entries}, shapes

    def _write(
        self, project_path: Path, entries: Mapping[str, RecoveredText], shapes: Mapping[str, DraftShape]
    ) -> Path:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "project": os.path.realpath(project_path),
            "entries": [entry.__dict__ for entry in entries.values()],
        }
        if shapes:
            data["drafts"] = {draft_id: shape.__dict__ for draft_id, shape in shapes.items()}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot keep unsaved text in {self.folder}: {exc.strerror}") from exc
        target = self.file_for(project_path)
        write_text_atomically(target, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return target

    def apply(self, project: Project) -> Applied:
        """Write the pending texts into ``project`` in one transaction, then clear them.

        If saving fails (``SaveFailed``), nothing is written and the recovery file stays.
        """
        applied = Applied()
        found, shapes = self._read(project.path)
        entries = list(found.values())
        if not entries and not shapes:
            return applied
        drafts = {summary.id for summary in project.drafts()}
        with project.transaction():
            for entry in entries:
                shape = shapes.get(entry.draft_id or "")
                if shape is not None and entry.card_id in shape.removed:
                    continue
                if _card_exists(project, entry.card_id):
                    project.set_card_text(entry.card_id, entry.text)
                    if entry.separator is not None:
                        project.set_card_separator(entry.card_id, entry.separator)
                    applied.restored.append(entry.card_id)
                elif entry.draft_id in drafts:
                    card = Card(entry.text) if entry.separator is None else Card(entry.text, entry.separator)
                    placed = shape is not None and entry.card_id in shape.order
                    if placed:  # a card made while saving failed (a split): it goes back where it was
                        card.id = entry.card_id
                    project.insert_card(entry.draft_id, project.card_count(entry.draft_id), card)
                    (applied.restored if placed else applied.new_cards).append(card.id)
                else:
                    note = Note(entry.text, source=f"recovered unsaved text ({entry.saved})")
                    project.add_notes([note])
                    applied.new_notes.append(note.id)
            for draft_id, shape in shapes.items():
                if draft_id in drafts:
                    _reshape(project, draft_id, shape)
        self.discard(project.path)
        return applied

    def discard(self, project_path: Path) -> None:
        """Forget the pending texts of this project (after applying them, or when the writer declines)."""
        self.file_for(project_path).unlink(missing_ok=True)


def _reshape(project: Project, draft_id: str, shape: DraftShape) -> None:
    """Delete the draft's removed cards and put the others in the kept order (cards not in it go last)."""
    for card_id in shape.removed:
        if card_id in project.card_ids(draft_id):
            project.delete_card(card_id)
    current = project.card_ids(draft_id)
    present, listed = set(current), set(shape.order)
    wanted = [card_id for card_id in shape.order if card_id in present]
    wanted += [card_id for card_id in current if card_id not in listed]
    for index, card_id in enumerate(wanted):
        if current[index] != card_id:
            project.move_card(card_id, index)
            current.remove(card_id)
            current.insert(index, card_id)


def _card_exists(project: Project, card_id: str) -> bool:
    try:
        project.card(card_id)
    except ProjectError:
        return False
    return True
