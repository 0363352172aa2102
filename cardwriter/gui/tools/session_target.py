"""The session word target: set in the Drafts menu, kept in the project file, progress in the status bar.

A session is this window's time with the project: words written are the
drafts' word counts now less what they were when each was first shown, so
deleting words counts against the target and switching drafts keeps what was
written in the others. The count follows the writer's typing at most every
``COUNT_EVERY_MS``, reusing the domain's cached counting.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QInputDialog, QLabel

from cardwriter.domain.counts import count_texts
from cardwriter.errors import UserError

COUNT_EVERY_MS = 200


class SessionTarget(QObject):
    def __init__(self, window):  # the MainWindow
        super().__init__(window)
        self.window = window
        self.label = QLabel("")
        self.label.setObjectName("sessionTarget")
        window.status.addPermanentWidget(self.label)
        self._start: dict[str, int] = {}  # draft id -> its words when first shown this session
        self._now: dict[str, int] = {}  # draft id -> its words as last counted
        self._model = self._view = None
        self._timer = QTimer(self, singleShot=True, interval=COUNT_EVERY_MS)
        self._timer.timeout.connect(self.recount)

    def project_opened(self, project) -> None:  # project: a Project or None
        self._start, self._now = {}, {}

    def draft_shown(self, model, view) -> None:  # CardListModel, DraftView
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
        card_id = view.current_card_id() if view is not None else ""
        shown = (model.index_of_card(card_id).data(Qt.ItemDataRole.DisplayRole) or "") if card_id else ""
        return count_texts(shown if c.id == card_id else c.text for c in model.session.cards).words

    def written(self) -> int:
        """Words written this session, across the drafts shown."""
        return sum(self._now.get(d, start) - start for d, start in self._start.items())

    def recount(self) -> None:
        project = self.window.project
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
        project = self.window.project
        if project is None:
            return
        words, ok = QInputDialog.getInt(
            self.window,
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
        try:
            self.window.project.set_session_target(words)
        except UserError as exc:
            self.window.warn("Cannot keep the target", str(exc))
        self.recount()
