"""What happens when a save fails: tell the writer, keep the text safe, try again.

The card model of each draft the workspace shows reports every failed save
(``save_failed``). Then:

- the banner above the draft says what failed and what to do, until saving
  works again (a status-bar message would pass unseen);
- every typed text not yet in the project file, and the cards split,
  merged, added, deleted or moved meanwhile (those edits go on working,
  kept in memory), go at once into the recovery file (``RecoveryJournal``,
  in the user data folder, usually another disk), so they survive the app
  being closed or crashing;
- saving is tried again every few seconds and on "Try Again"; when it
  works, the banner goes and the recovery entries written here are removed;
- when the project closes, the banner goes and the text stays in the
  recovery file.

Closing the window while text is unsaved asks first (``confirm_close``; the
recovery file is already written; the next start offers it back, see
``recovery_dialog``). The guard makes the central widget, ``widget``: the
banner above the draft area it is given; whoever owns the window places it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from cardwriter.errors import UserError
from cardwriter.gui.draft.card_model import KEPT_UNSAVED, CardListModel
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.files.save_banner import SaveBanner, above
from cardwriter.gui.workspace import Workspace
from cardwriter.services.pending_edits import UnsavedEdits
from cardwriter.services.recovery import RecoveryJournal

log = logging.getLogger(__name__)

RETRY_MS = 5000
TYPING_REFUSED = "Typing was not done"  # what a failed save of typing reports (see undo_commands)
KEEP_AND_QUIT = "Keep the Text in the Recovery File and Quit"


class SaveGuard(QObject):
    def __init__(
        self,
        workspace: Workspace,
        central: QWidget,
        journal: RecoveryJournal | None = None,
        retry_ms: int = RETRY_MS,
        parent: QObject | None = None,
    ):
        """Make ``widget``, the window's central widget: the banner above ``central``."""
        super().__init__(parent if parent is not None else workspace)
        self.workspace = workspace
        self.journal = journal or RecoveryJournal()
        self.banner = SaveBanner()
        self.banner.retry_requested.connect(self.retry)
        self.widget = above(self.banner, central)
        self.timer = QTimer(self, interval=retry_ms)
        self.timer.timeout.connect(self.retry)
        self.recovery_note = ""  # why the recovery file could not be written, if it could not
        self._kept: dict[Path, set[str]] = {}  # card ids this guard put into each project's recovery file
        self._kept_drafts: dict[Path, set[str]] = {}  # drafts whose order this guard put there
        self._last_kept: tuple[Path, UnsavedEdits] | None = None  # what the recovery file holds from here now
        workspace.draft_shown.connect(self._draft_shown)
        workspace.project_closed.connect(self._project_closed)

    def _draft_shown(self, view: DraftView) -> None:
        self.watch(view.card_model())

    def _project_closed(self) -> None:
        """No draft, no banner: what could not be saved stays in the recovery file, offered back on opening."""
        self.timer.stop()
        self.banner.hide()
        self.recovery_note = ""
        self._last_kept = None  # opening again may restore or discard the recovery file: write it afresh

    def watch(self, model: CardListModel) -> None:
        """Follow the saves of a newly shown draft (a new model starts with nothing unsaved)."""
        self.timer.stop()
        self.banner.hide()
        model.save_failed.connect(self.failed)

    # -- failing and retrying --------------------------------------------------

    def failed(self, what: str, message: str) -> None:
        """A save failed: keep the unsaved text in the recovery file, say so above the draft, retry."""
        log.warning("%s: %s", what, message)
        unsaved = self._keep_unsaved()
        # Typing and edits kept: the message says it all ("...; your text is kept until it can be saved").
        kept = what in (TYPING_REFUSED, KEPT_UNSAVED)
        text = message[:1].upper() + message[1:] if kept else f"{what}: {message}"
        if self.recovery_note:
            text += f"\n{self.recovery_note}"
        self.banner.show_failure(text, bool(unsaved))
        if unsaved:
            self.timer.start()

    def unsaved(self) -> dict[str, str]:
        """Typed texts not in the project file, by card id."""
        model = self.workspace.model
        return model.unsaved_texts() if model is not None else {}

    def unsaved_edits(self) -> UnsavedEdits | None:
        """All the shown draft's file lacks (texts, new and removed cards, order), or None without a draft."""
        model = self.workspace.model
        return model.unsaved_edits() if model is not None else None

    def retry(self) -> bool:
        """Try to save the unsaved text again; True (and the banner goes) when everything is saved."""
        if self.workspace.model is None:  # the project closed: its unsaved text is in the recovery file
            self.timer.stop()
            self.banner.hide()
            return True
        if self.workspace.save_typing():
            self._all_saved()
            return True
        return False  # ``failed`` was called again and updated the banner and the recovery file

    def _all_saved(self) -> None:
        was_failing = self.timer.isActive()
        self.timer.stop()
        self.banner.hide()
        self.recovery_note = ""
        if self.workspace.project is not None:
            self._forget_kept(Path(self.workspace.project.path))
        if was_failing:
            self.workspace.say("Saved: all your text is in the project file again.", 8000)

    # -- the recovery file ---------------------------------------------------------

    def _keep_unsaved(self) -> UnsavedEdits | None:
        edits = self.unsaved_edits()
        project = self.workspace.project
        if not edits or project is None:
            return edits
        path = Path(project.path)
        if self._last_kept == (path, edits) and not self.recovery_note:
            return edits  # the recovery file holds just this already (an edit and the save after it both failed)
        saved = self._kept.get(path, set()) - set(edits.texts) - set(edits.removed)  # saved since: stale there
        try:
            written = self.journal.keep(path, edits, saved)
        except UserError as exc:  # a full disk can take the user data folder with it
            log.error("cannot write the recovery file: %s", exc)
            self.recovery_note = (
                f"The text could not be kept in a recovery file either ({exc}): "
                "do not close Cardwriter; copy the text somewhere safe."
            )
        else:
            self.recovery_note = ""
            self._last_kept = (path, edits)
            self._kept[path] = (self._kept.get(path, set()) - saved) | set(edits.texts) | set(edits.removed)
            if edits.order is not None:
                self._kept_drafts.setdefault(path, set()).add(edits.draft_id)
            log.info("unsaved text of %d card(s) kept in %s", len(edits.texts), written)
        return edits

    def _forget_kept(self, path: Path) -> None:
        """Remove from the recovery file what this guard put there and has now saved; keep the rest."""
        self._last_kept = None
        kept, drafts = self._kept.pop(path, set()), self._kept_drafts.pop(path, set())
        if not kept and not drafts:
            return
        try:
            self.journal.forget(path, kept, drafts)
        except UserError as exc:  # a damaged or unwritable recovery file: leave it for the next start
            log.warning("cannot tidy the recovery file of %s: %s", path, exc)

    # -- closing ----------------------------------------------------------------------

    def confirm_close(self) -> bool:
        """Before the window closes: True to go on. With text still unsaved, ask the writer first."""
        ws = self.workspace
        project = ws.project
        if ws.model is None or project is None or ws.save_typing():
            return True
        if self.recovery_note:
            detail = f"{self.recovery_note}\n\nIf you quit now, that text is lost."
        else:
            detail = (
                f"The unsaved text is kept in the recovery file "
                f"{self.journal.file_for(Path(project.path))}; "
                "it is offered back the next time you open this project."
            )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Save failed",
            f"{self.banner.message()}\n\n{detail}",
            QMessageBox.StandardButton.NoButton,
            ws.dialog_parent,
        )
        keep = box.addButton(KEEP_AND_QUIT, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is keep
