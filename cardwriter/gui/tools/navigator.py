"""The navigator: a dock listing the project's drafts and, under the one open, its headings.

Clicking a draft opens it; clicking a heading (a card starting with "#")
jumps to that card. The buttons add, rename, move up or down, and delete
drafts (deleting asks first: a draft's cards and stacks go with it). The
changes themselves are ``services/drafts``'s; the headings follow the
writer's typing, a moment after it.
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
from cardwriter.services import drafts

DRAFT, CARD = "draft", "card"
ROLE = Qt.ItemDataRole.UserRole


class Navigator(QObject):
    def __init__(self, window):  # the MainWindow
        super().__init__(window)
        self.window = window
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.itemClicked.connect(self.go_to)
        self.tree.itemActivated.connect(self.go_to)
        self.buttons = {}
        row = QHBoxLayout()
        for name, label, tip, slot in (
            ("add", "+", "New draft", self.ask_add),
            ("rename", "Rename", "Rename the draft", self.ask_rename),
            ("up", "▲", "Move the draft up", lambda: self.move(-1)),
            ("down", "▼", "Move the draft down", lambda: self.move(1)),
            ("delete", "Delete", "Delete the draft", self.ask_delete),
        ):
            button = QToolButton(text=label, toolTip=tip, autoRaise=True)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch()
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.tree)
        column.addLayout(row)
        self.dock = QDockWidget("Navigator", window)
        self.dock.setObjectName("navigatorDock")
        self.dock.setWidget(panel)
        self._timer = QTimer(self, singleShot=True, interval=400)
        self._timer.timeout.connect(self.refresh)

    def draft_shown(self, view) -> None:  # the DraftView
        model = view.card_model()
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved, model.rowsMoved):
            signal.connect(lambda *_: self._timer.start())
        self.refresh()

    def refresh(self) -> None:
        """List the drafts again, with the headings of the one open."""
        self.tree.clear()
        w = self.window
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
                live = {c.id: c.text for c in w.session.cards}
                for heading in drafts.headings(w.session.cards):
                    child = QTreeWidgetItem(["    " * (heading.level - 1) + (heading.title or "(untitled)")])
                    child.setData(0, ROLE, (CARD, heading.card_id))
                    child.setToolTip(0, live.get(heading.card_id, ""))
                    item.addChild(child)
                item.setExpanded(True)
                self.tree.setCurrentItem(item)

    def go_to(self, item: QTreeWidgetItem) -> None:
        kind, target = item.data(0, ROLE)
        w = self.window
        if kind == DRAFT and (w.session is None or w.session.draft.id != target):
            w.show_draft(target)
        elif kind == CARD and w.view is not None:
            w.view.write_in(target)

    def selected_draft(self) -> str:
        item = self.tree.currentItem()
        if item is None:
            return ""
        while item.parent() is not None:
            item = item.parent()
        return item.data(0, ROLE)[1]

    # -- changing drafts -------------------------------------------------------------

    def ask_add(self) -> None:
        title, ok = QInputDialog.getText(self.window, "New Draft", "Title of the new draft:")
        if ok:
            self.add(title)

    def add(self, title: str) -> None:
        self._doing(lambda: self.window.show_draft(drafts.add_draft(self.window.project, title).id))

    def ask_rename(self) -> None:
        draft_id = self.selected_draft()
        if not draft_id:
            return
        old = next(d.title for d in self.window.project.drafts() if d.id == draft_id)
        title, ok = QInputDialog.getText(self.window, "Rename Draft", "New title:", text=old)
        if ok:
            self.rename(draft_id, title)

    def rename(self, draft_id: str, title: str) -> None:
        self._doing(lambda: drafts.rename_draft(self.window.project, draft_id, title))
        w = self.window
        if w.session is not None and w.session.draft.id == draft_id:
            w.session.draft.title = next(d.title for d in w.project.drafts() if d.id == draft_id)

    def move(self, step: int) -> None:
        draft_id = self.selected_draft()
        ids = [d.id for d in self.window.project.drafts()] if draft_id else []
        if draft_id:
            self._doing(lambda: drafts.move_draft(self.window.project, draft_id, ids.index(draft_id) + step))

    def ask_delete(self) -> None:
        draft_id = self.selected_draft()
        if not draft_id:
            return
        summary = next(d for d in self.window.project.drafts() if d.id == draft_id)
        answer = QMessageBox.question(
            self.window,
            "Delete Draft",
            f"Delete the draft “{summary.title}” with its {summary.card_count} cards and their stacks? "
            "This cannot be undone.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(draft_id)

    def delete(self, draft_id: str) -> None:
        """Delete a draft; if it is open, the next one (or a new empty one) opens first."""
        w = self.window

        def work() -> None:
            if w.session is not None and w.session.draft.id == draft_id:
                others = [d.id for d in w.project.drafts() if d.id != draft_id]
                w.show_draft(others[0] if others else drafts.add_draft(w.project, "Draft").id)
            drafts.delete_draft(w.project, draft_id)

        self._doing(work)

    def _doing(self, work) -> None:  # work: the callable to run
        """Run a change to the drafts; a refusal (a clash of titles, a failed save) is said, not raised."""
        self.window.save_typing()
        try:
            work()
        except UserError as exc:
            self.window.warn("Cannot change the drafts", str(exc))
        self.refresh()
