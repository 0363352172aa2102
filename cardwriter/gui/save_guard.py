"""What the window does when a save fails: tell the writer, keep the text safe, try again.

The card model reports every failed save (``save_failed``). Then:

- the banner above the draft says what failed and what to do, until saving
  works again (a status-bar message would pass unseen);
- every typed text not yet in the project file goes at once into the
  recovery file (``RecoveryJournal``, in the user data folder, usually
  another disk), so it survives the app being closed or crashing;
- saving is tried again every few seconds and on "Try Again"; when it
  works, the banner goes and the recovery entries written here are removed.

Closing the window while text is unsaved asks first (the recovery file is
already written; the next start offers it back, see ``recovery_dialog``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from cardwriter.errors import UserError
from cardwriter.gui.card_model import CardListModel
from cardwriter.gui.save_banner import SaveBanner, above
from cardwriter.services.recovery import RecoveryJournal

if TYPE_CHECKING:
    from cardwriter.gui.main_window import MainWindow

log = logging.getLogger(__name__)

RETRY_MS = 5000
TYPING_REFUSED = "Typing was not done"  # what a failed save of typing reports (see undo_commands)
KEEP_AND_QUIT = "Keep the Text in the Recovery File and Quit"


class SaveGuard(QObject):
    def __init__(
        self, window: MainWindow, central: QWidget, journal: RecoveryJournal | None = None, retry_ms: int = RETRY_MS
    ):
        """Make the window's central widget: the banner above ``central``."""
        super().__init__(window)
        self.window = window
        self.journal = journal or RecoveryJournal()
        self.banner = SaveBanner()
        self.banner.retry_requested.connect(self.retry)
        window.setCentralWidget(above(self.banner, central))
        self.timer = QTimer(self, interval=retry_ms)
        self.timer.timeout.connect(self.retry)
        self.recovery_note = ""  # why the recovery file could not be written, if it could not
        self._kept: dict[Path, set[str]] = {}  # card ids this window put into each project's recovery file

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
        # Typing: the message says it all ("...; your text is kept until it can be saved").
        text = message[:1].upper() + message[1:] if what == TYPING_REFUSED else f"{what}: {message}"
        if self.recovery_note:
            text += f"\n{self.recovery_note}"
        self.banner.show_failure(text, bool(unsaved))
        if unsaved:
            self.timer.start()

    def unsaved(self) -> dict[str, str]:
        """Typed texts not in the project file, by card id."""
        model = self.window.model
        return model.unsaved_texts() if model is not None else {}

    def retry(self) -> bool:
        """Try to save the unsaved text again; True (and the banner goes) when everything is saved."""
        if self.window.model is None:  # the project closed: its unsaved text is in the recovery file
            self.timer.stop()
            self.banner.hide()
            return True
        if self.window.save_typing():
            self._all_saved()
            return True
        return False  # ``failed`` was called again and updated the banner and the recovery file

    def _all_saved(self) -> None:
        was_failing = self.timer.isActive()
        self.timer.stop()
        self.banner.hide()
        self.recovery_note = ""
        if self.window.project is not None:
            self._forget_kept(Path(self.window.project.path))
        if was_failing:
            self.window.status.showMessage("Saved: all your text is in the project file again.", 8000)

    # -- the recovery file ---------------------------------------------------------

    def _keep_unsaved(self) -> dict[str, str]:
        texts = self.unsaved()
        project, session = self.window.project, self.window.session
        if not texts or project is None or session is None:
            return texts
        path = Path(project.path)
        try:
            written = self.journal.save(path, texts, session.draft.id)
        except UserError as exc:  # a full disk can take the user data folder with it
            log.error("cannot write the recovery file: %s", exc)
            self.recovery_note = (
                f"The text could not be kept in a recovery file either ({exc}): "
                "do not close Cardwriter; copy the text somewhere safe."
            )
        else:
            self.recovery_note = ""
            self._kept.setdefault(path, set()).update(texts)
            log.info("unsaved text of %d card(s) kept in %s", len(texts), written)
        return texts

    def _forget_kept(self, path: Path) -> None:
        """Remove from the recovery file what this window put there and has now saved; keep the rest."""
        kept = self._kept.pop(path, set())
        if not kept:
            return
        try:
            entries = self.journal.pending(path)
            self.journal.discard(path)
            for entry in entries:
                if entry.card_id not in kept:
                    self.journal.save(path, {entry.card_id: entry.text}, entry.draft_id)
        except UserError as exc:  # a damaged or unwritable recovery file: leave it for the next start
            log.warning("cannot tidy the recovery file of %s: %s", path, exc)

    # -- closing ----------------------------------------------------------------------

    def confirm_close(self) -> bool:
        """Before the window closes: True to go on. With text still unsaved, ask the writer first."""
        project = self.window.project
        if self.window.model is None or project is None or self.window.save_typing():
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
            self.window,
        )
        keep = box.addButton(KEEP_AND_QUIT, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is keep
