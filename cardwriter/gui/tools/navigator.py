"""The navigator: a dock listing the project's drafts and, under the one open, its headings.

Clicking a draft opens it; clicking a heading (a card starting with "#")
jumps to that card. The buttons add, rename, move up or down, and delete
drafts (deleting asks first: a draft's cards and stacks go with it). The
changes themselves are ``services/drafts``'s; the headings follow the
writer's typing, a moment after it. The navigator works on the ``Workspace``
(opening a draft is ``Workspace.show_draft``); the window places its ``dock``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cardwriter.errors import UserError
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.workspace import Workspace
from cardwriter.services import drafts
from cardwriter.services.projects import Project

DRAFT, CARD = "draft", "card"
ROLE = Qt.ItemDataRole.UserRole


class Navigator(QObject):
    def __init__(self, workspace: Workspace, parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.itemClicked.connect(self.go_to)
        self.tree.itemActivated.connect(self.go_to)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout()
        for name, label, tip, slot in (
            ("add", "+", "New draft", self.ask_add),
            ("rename", "Rename", "Rename the draft", self.ask_rename),
            ("up", "▲", "Move the draft up", lambda: self.move(-1)),
            ("down", "▼", "Move the draft down", lambda: self.move(1)),
            ("delete", "Delete", "Delete the draft", self.ask_delete),
        ):
            button = QToolButton(autoRaise=True)
            button.setText(label)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch()
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.tree)
        column.addLayout(row)
        self.dock = QDockWidget("Navigator")  # the window places it (and takes it as its own)
        self.dock.setObjectName("navigatorDock")
        self.dock.setWidget(panel)
        self._timer = QTimer(self, singleShot=True, interval=400)
        self._timer.timeout.connect(self.refresh)

    def draft_shown(self, view: DraftView) -> None:
        model = view.card_model()
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved, model.rowsMoved):
            signal.connect(lambda *_: self._timer.start())
        self.refresh()

    def refresh(self) -> None:
        """List the drafts again, with the headings of the one open."""
        self.tree.clear()
        w = self.workspace
        if w.project is None:
            return
        current = w.session.draft.id if w.session is not None else ""
        for summary in drafts.list_drafts(w.project):
            item = QTreeWidgetItem([summary.title])
            item.setData(0, ROLE, (DRAFT, summary.id))
            item.setToolTip(0, f"{summary.card_count} cards")
            self.tree.addTopLevelItem(item)
            if summary.id == current:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                cards = w.session.cards if w.session is not None else []
                live = {c.id: c.text for c in cards}
                for heading in drafts.headings(cards):
                    child = QTreeWidgetItem(["    " * (heading.level - 1) + (heading.title or "(untitled)")])
                    child.setData(0, ROLE, (CARD, heading.card_id))
                    child.setToolTip(0, live.get(heading.card_id, ""))
                    item.addChild(child)
                item.setExpanded(True)
                self.tree.setCurrentItem(item)

    def go_to(self, item: QTreeWidgetItem) -> None:
        kind, target = item.data(0, ROLE)
        w = self.workspace
        if kind == DRAFT and (w.session is None or w.session.draft.id != target):
            w.show_draft(target)
        elif kind == CARD and w.view is not None:
            w.view.write_in(target)

    def selected_draft(self) -> str:
        item = self.tree.currentItem()
        if item is None:
            return ""
        while (parent := item.parent()) is not None:
            item = parent
        return item.data(0, ROLE)[1]

    # -- changing drafts -------------------------------------------------------------

    def ask_add(self) -> None:
        title, ok = QInputDialog.getText(self.workspace.dialog_parent, "New Draft", "Title of the new draft:")
        if ok:
            self.add(title)

    def add(self, title: str) -> None:
        self._doing(lambda: self.workspace.show_draft(drafts.add_draft(self._project(), title).id))

    def ask_rename(self) -> None:
        draft_id = self.selected_draft()
        if not draft_id:
            return
        old = next(d.title for d in self._project().drafts() if d.id == draft_id)
        title, ok = QInputDialog.getText(self.workspace.dialog_parent, "Rename Draft", "New title:", text=old)
        if ok:
            self.rename(draft_id, title)

    def rename(self, draft_id: str, title: str) -> None:
        self._doing(lambda: drafts.rename_draft(self._project(), draft_id, title))
        w = self.workspace
        if w.session is not None and w.session.draft.id == draft_id:
            w.session.draft.title = next(d.title for d in self._project().drafts() if d.id == draft_id)

    def move(self, step: int) -> None:
        draft_id = self.selected_draft()
        ids = [d.id for d in self._project().drafts()] if draft_id else []
        if draft_id:
            self._doing(lambda: drafts.move_draft(self._project(), draft_id, ids.index(draft_id) + step))

    def ask_delete(self) -> None:
        draft_id = self.selected_draft()
        if not draft_id:
            return
        summary = next(d for d in self._project().drafts() if d.id == draft_id)
        answer = QMessageBox.question(
            self.workspace.dialog_parent,
            "Delete Draft",
            f"Delete the draft “{summary.title}” with its {summary.card_count} cards and their stacks? "
            "This cannot be undone.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(draft_id)

    def delete(self, draft_id: str) -> None:
        """Delete a draft; if it is open, the next one (or a new empty one) opens first."""
        w = self.workspace

        def work() -> None:
            project = self._project()
            if w.session is not None and w.session.draft.id == draft_id:
                others = [d.id for d in project.drafts() if d.id != draft_id]
                w.show_draft(others[0] if others else drafts.add_draft(project, "Draft").id)
            drafts.delete_draft(project, draft_id)

        self._doing(work)

    def _doing(self, work) -> None:  # work: the callable to run
        """Run a change to the drafts; a refusal (a clash of titles, a failed save) is said, not raised."""
        self.workspace.save_typing()
        try:
            work()
        except UserError as exc:
            self.workspace.warn("Cannot change the drafts", str(exc))
        self.refresh()

    def _project(self) -> Project:
        """The open project (the panel's buttons act only while one is open)."""
        project = self.workspace.project
        if project is None:
            raise UserError("No project is open.")
        return project
