"""The session word target: set in the Drafts menu, kept in the project file, progress in the status bar.

A session is this window's time with the project: words written are the
drafts' word counts now less what they were when each was first shown, so
deleting words counts against the target and switching drafts keeps what was
written in the others. The count follows the writer's typing at most every
``COUNT_EVERY_MS``, reusing the domain's cached counting. The window places
the ``label`` in its status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QInputDialog, QLabel

from cardwriter.domain.counts import count_texts
from cardwriter.errors import UserError
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.workspace import Workspace
from cardwriter.services.projects import Project

COUNT_EVERY_MS = 200


class SessionTarget(QObject):
    def __init__(self, workspace: Workspace, parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.label = QLabel("")  # the window puts it in the status bar
        self.label.setObjectName("sessionTarget")
        self._start: dict[str, int] = {}  # draft id -> its words when first shown this session
        self._now: dict[str, int] = {}  # draft id -> its words as last counted
        self._model: CardListModel | None = None
        self._view: DraftView | None = None
        self._timer = QTimer(self, singleShot=True, interval=COUNT_EVERY_MS)
        self._timer.timeout.connect(self.recount)

    def project_opened(self, project: Project | None) -> None:
        self._start, self._now = {}, {}

    def draft_shown(self, model: CardListModel, view: DraftView) -> None:
        self._model, self._view = model, view
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._schedule)
        words = self._count()
        self._start.setdefault(model.session.draft.id, words)
        self.recount()

    def project_closed(self) -> None:
        self._model = self._view = None
        self._start, self._now = {}, {}
        self.label.setText("")

    def _schedule(self, *_args) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _count(self) -> int:
        model, view = self._model, self._view
        if model is None:
            return 0
        card_id = view.current_card_id() if view is not None else ""
        shown = (model.index_of_card(card_id).data(Qt.ItemDataRole.DisplayRole) or "") if card_id else ""
        return count_texts(shown if c.id == card_id else c.text for c in model.session.cards).words

    def written(self) -> int:
        """Words written this session, across the drafts shown."""
        return sum(self._now.get(d, start) - start for d, start in self._start.items())

    def recount(self) -> None:
        project = self.workspace.project
        if self._model is None or project is None:
            self.label.setText("")
            return
        self._now[self._model.session.draft.id] = self._count()
        target = project.session_target()
        if not target:
            self.label.setText("")
            return
        written = max(0, self.written())
        percent = min(100, round(100 * written / target))
        self.label.setText(
            f"Session: {written:,} / {target:,} words ({percent}%)" + (" ✓" if written >= target else "")
        )

    def ask(self) -> None:
        """Drafts ▸ Set Session Target…: words to write this session (0 for none)."""
        project = self.workspace.project
        if project is None:
            return
        words, ok = QInputDialog.getInt(
            self.workspace.dialog_parent,
            "Session Target",
            "Words to write this session (0 for none):",
            project.session_target(),
            0,
            1_000_000,
            100,
        )
        if ok:
            self.set_target(words)

    def set_target(self, words: int) -> None:
        project = self.workspace.project
        if project is None:
            return
        try:
            project.set_session_target(words)
        except UserError as exc:
            self.workspace.warn("Cannot keep the target", str(exc))
        self.recount()
