"""Opening a project: offer back the text that could not be saved last time, and mention repairs.

When saving failed and the writer quit (or the app crashed), the unsaved
card texts wait in the recovery file (``RecoveryJournal``). Opening that
project shows how many cards wait, with a preview of each: Restore puts them
into the project (``RecoveryJournal.apply``: into their cards, or new cards
and notes when those are gone), Discard throws them away, and closing the
dialog keeps them for the next time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from cardwriter.errors import UserError
from cardwriter.services.projects import Project
from cardwriter.services.recovery import RecoveredText, RecoveryJournal

log = logging.getLogger(__name__)

PREVIEW_CHARS = 120
DISCARD = 2  # the dialog's result when the writer discards (Accepted = 1 is Restore, Rejected = 0 is later)


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The start of ``text`` on one line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class RecoveryDialog(QDialog):
    def __init__(self, entries: list[RecoveredText], project_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Unsaved Text Found")
        count = len(entries)
        cards = f"{count} card{'s' if count != 1 else ''}"
        self.summary = QLabel(
            f"{cards} of {project_name} had text that could not be saved last time.\n"
            "Restore puts it back into the project; Discard throws it away."
        )
        self.summary.setWordWrap(True)
        self.previews = QListWidget()
        for entry in entries:
            self.previews.addItem(f"{preview(entry.text)}    (kept {entry.saved[:16].replace('T', ' ')})")
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = buttons.addButton("Discard", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.later_button = buttons.addButton("Decide Later", QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self.accept)
        self.discard_button.clicked.connect(lambda: self.done(DISCARD))
        self.later_button.clicked.connect(self.reject)
        self.restore_button.setDefault(True)
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addWidget(self.previews, 1)
        column.addWidget(buttons)
        self.resize(560, 320)


def offer_recovery(project: Project, journal: RecoveryJournal, parent: QWidget | None = None) -> tuple[str, bool]:
    """Ask about the text waiting for ``project``; returns (what happened, whether it is a problem)."""
    name = Path(project.path).name
    try:
        entries = journal.pending(project.path)
    except UserError as exc:  # a damaged recovery file is left in place and named
        return str(exc), True
    if not entries:
        return "", False
    choice = RecoveryDialog(entries, name, parent).exec()
    if choice == QDialog.DialogCode.Accepted:
        try:
            applied = journal.apply(project)
        except UserError as exc:  # saving failed again: the recovery file stays for the next try
            return f"Could not restore the unsaved text into {name}: {exc}", True
        parts = [f"{len(applied.restored)} card(s) restored"]
        if applied.new_cards:
            parts.append(f"{len(applied.new_cards)} added at the end (their cards were gone)")
        if applied.new_notes:
            parts.append(f"{len(applied.new_notes)} kept as notes (their draft was gone)")
        return "Unsaved text put back: " + ", ".join(parts) + ".", False
    if choice == DISCARD:
        journal.discard(project.path)
        return "The unsaved text from last time was discarded.", False
    return "The unsaved text stays in the recovery file; it is offered again when you next open this project.", False


def repairs_notice(project: Project) -> str:
    """One line when the project held texts that had to be repaired to be read ("" when none)."""
    repairs = project.repairs
    if not repairs:
        return ""
    count = len(repairs)
    return (
        f"{count} damaged text{'s were' if count != 1 else ' was'} repaired as the project was read "
        f"({repairs[0]}{'; …' if count > 1 else ''}): check those passages."
    )
