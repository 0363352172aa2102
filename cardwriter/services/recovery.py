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
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from cardwriter.domain.model import Card, Note, utc_now
from cardwriter.errors import ProjectError, UserError
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


@dataclass
class Applied:
    """What ``apply`` did with each recovered text (card ids, and ids of the new notes)."""

    restored: list[str] = field(default_factory=list)  # texts written back into their cards
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
        entries = {entry.card_id: entry for entry in self.pending(project_path)}
        now = utc_now()
        for card_id, text in texts.items():
            entries[card_id] = RecoveredText(card_id, draft_id, text, now)
        data = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "project": os.path.realpath(project_path),
            "entries": [entry.__dict__ for entry in entries.values()],
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot keep unsaved text in {self.folder}: {exc.strerror}") from exc
        target = self.file_for(project_path)
        write_text_atomically(target, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return target

    def pending(self, project_path: Path) -> list[RecoveredText]:
        """The texts waiting to be put back into this project, oldest first."""
        path = self.file_for(project_path)
        if not path.exists():
            return []
        try:
            data = json.loads(read_text_file(path))
            return [
                RecoveredText(str(e["card_id"]), e.get("draft_id"), str(e["text"]), str(e["saved"]))
                for e in data["entries"]
            ]
        except (UserError, ValueError, KeyError, TypeError) as exc:
            raise UserError(
                f"the recovery file {path} is damaged ({exc}); it was left in place, open it in a text editor "
                "to copy out what it holds"
            ) from exc

    def apply(self, project: Project) -> Applied:
        """Write the pending texts into ``project`` in one transaction, then clear them.

        If saving fails (``SaveFailed``), nothing is written and the recovery file stays.
        """
        applied = Applied()
        entries = self.pending(project.path)
        if not entries:
            return applied
        drafts = {summary.id for summary in project.drafts()}
        with project.transaction():
            for entry in entries:
                if _card_exists(project, entry.card_id):
                    project.set_card_text(entry.card_id, entry.text)
                    applied.restored.append(entry.card_id)
                else:
                    if entry.draft_id in drafts:
                        card = Card(entry.text)
                        project.insert_card(entry.draft_id, project.card_count(entry.draft_id), card)
                        applied.new_cards.append(card.id)
                    else:
                        note = Note(entry.text, source=f"recovered unsaved text ({entry.saved})")
                        project.add_notes([note])
                        applied.new_notes.append(note.id)
        self.discard(project.path)
        return applied

    def discard(self, project_path: Path) -> None:
        """Forget the pending texts of this project (after applying them, or when the writer declines)."""
        self.file_for(project_path).unlink(missing_ok=True)


def _card_exists(project: Project, card_id: str) -> bool:
    try:
        project.card(card_id)
    except ProjectError:
        return False
    return True
