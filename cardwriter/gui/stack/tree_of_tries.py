"""The tree of tries: a window over one paragraph's whole history of variants.

Left, a tree of every try (``services.tries.build_tree``): the original, the
variants written from it, variants of variants, fusions with the notes they took
in, the writer's own edits; what was accepted when, the discarded ones greyed.
The path from the original to the paragraph's text now is bold in the accent
colour, and the try that is the text now says "● now". Right, the chosen try's
text with its changes against the paragraph now marked, and Accept, Refine, Close.

It moves like a loom: Left goes up to the parent, Right down to the first child,
Up and Down to the previous and next sibling, Return accepts. It is not modal: the
writer keeps writing beside it, and it is shown again (keeping the chosen try)
whenever the card's stack changes. Like the unfurled stack it only asks: Accept and
Refine go out as signals, which the stack actions carry out through the undo stack
and the generation controller; Ctrl+Z and Ctrl+Shift+Z in it ask the workspace to
undo or redo (the menu's shortcuts do not reach a window of its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cardwriter.domain.model import VariantState
from cardwriter.gui.stack.variant_card import marked_html
from cardwriter.services.tries import TryNode, edited_since

KEYS_TIP = (
    "Left: up to the parent · Right: down to the first child · "
    "Up/Down: the previous or next sibling · Return: accept the try reached"
)
STATE_WORDS = {
    VariantState.IN_STACK: "in stack",
    VariantState.ACCEPTED: "accepted before",  # accepted once, and out of the stack since (typed over)
    VariantState.DISCARDED: "discarded",
    VariantState.PINNED: "pinned",
}
EDITED_SINCE = (
    "Edited since: you have typed in the paragraph since the last accept, so no try is its text now; "
    "the path runs to the try accepted last."
)


def first_words(text: str, count: int = 6) -> str:
    """The first ``count`` words of ``text``, with "…" when there are more."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def accepted_words(times: list[str], now: datetime | None = None) -> str:
    """ "accepted 14:02" (local time; with the date when not today; "×2" when accepted twice), or ""."""
    if not times:
        return ""
    at = datetime.fromisoformat(times[-1]).astimezone()
    today = (now or datetime.now().astimezone()).date()
    when = at.strftime("%H:%M") if at.date() == today else f"{at.day} {at.strftime('%b %H:%M')}"
    return f"accepted {when}" + (f" (×{len(times)})" if len(times) > 1 else "")


def node_label(node: TryNode, notes: Mapping[str, str]) -> str:
    """The try's kind, and for a fusion the first words of the notes it took in."""
    if not node.note_ids:
        return node.kind
    quoted = [f"“{first_words(notes[i], 4)}”" if i in notes else "a deleted note" for i in node.note_ids]
    return f"{node.kind} with {' and '.join(quoted)}"


class TreeOfTries(QDialog):
    accept_requested = Signal(str, str)  # card id, variant id
    refine_requested = Signal(str, str)  # card id, variant id ("": the card's own text, kept as no variant)
    undo_requested = Signal()
    redo_requested = Signal()

    def __init__(self, card_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.card_id = card_id
        self.root: TryNode | None = None
        self.paragraph = ""
        self.notes: Mapping[str, str] = {}
        self.items: dict[str, QTreeWidgetItem] = {}  # node id -> its row
        self.nodes: dict[str, TryNode] = {}
        self.setModal(False)
        self.setWindowTitle("Tree of tries")
        self.setObjectName("tree-of-tries")

        self.tree = QTreeWidget()
        self.tree.setObjectName("tries")
        self.tree.setHeaderLabels(["Try", "When", "State"])
        self.tree.setColumnCount(3)
        self.tree.setUniformRowHeights(True)
        self.tree.setToolTip(KEYS_TIP)
        self.tree.setItemsExpandable(False)  # everything shows: Left and Right walk the tree, not fold it
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(18)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.installEventFilter(self)
        self.tree.currentItemChanged.connect(lambda *_: self._show_chosen())

        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.edited = QLabel(EDITED_SINCE)
        self.edited.setObjectName("edited-since")
        self.edited.setWordWrap(True)
        self.caption = QLabel()
        self.caption.setObjectName("caption")
        self.caption.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setObjectName("facts")
        self.facts.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.text = QTextBrowser()
        self.text.setObjectName("try-text")
        self.now_heading = QLabel("<b>The paragraph now</b>")
        self.now_heading.setObjectName("now-heading")
        self.now = QTextBrowser()  # what an accept would replace, the same words marked
        self.now.setObjectName("paragraph-now")
        self.accept_button = self._button("Accept", "Swap this try into the paragraph (Return); Ctrl+Z undoes it")
        self.accept_button.clicked.connect(self.accept_chosen)
        self.refine_button = self._button("Refine", "Write variants of this try: they grow under it here")
        self.refine_button.clicked.connect(self.refine_chosen)
        self.close_button = self._button("Close", "Close the tree (Esc)")
        self.close_button.clicked.connect(self.reject)

        right = QWidget()
        pane = QVBoxLayout(right)
        pane.setContentsMargins(8, 0, 0, 0)
        pane.addWidget(self.caption)
        pane.addWidget(self.facts)
        pane.addWidget(self.text, 3)
        pane.addWidget(self.now_heading)
        pane.addWidget(self.now, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.refine_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        pane.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.edited)
        layout.addWidget(self.splitter, 1)
        self.resize(1100, 560)
        self.splitter.setSizes([640, 460])

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(text.lower())
        button.setToolTip(tip)
        button.setAutoDefault(False)  # Return belongs to the tree: it accepts the try reached
        return button

    # -- what it shows -------------------------------------------------------------

    def show_tree(self, number: int, root: TryNode, paragraph: str, notes: Mapping[str, str]) -> None:
        """Show ``root``'s tree for paragraph ``number`` (from 1), whose text is ``paragraph`` now; ``notes``
        gives the texts of the notes fusions took in, by id. The chosen try stays chosen if it is still there."""
        title = f"Tree of tries · ¶{number}"
        if (title, root, paragraph, notes) == (self.windowTitle(), self.root, self.paragraph, self.notes):
            return  # a fill's progress, say: nothing of the tree changed, so it is not built again
        chosen = self.chosen()
        keep = chosen.id if chosen is not None else None
        scrolled = self.tree.verticalScrollBar().value()
        self.setWindowTitle(title)
        self.root, self.paragraph, self.notes = root, paragraph, notes
        count = sum(1 for _ in root.walk())
        self.heading.setText(
            f"¶{number} · {count} {'try' if count == 1 else 'tries'} · in bold, the path from the original "
            "to the paragraph now"
        )
        self.edited.setVisible(edited_since(root))
        self.tree.blockSignals(True)
        self.tree.clear()
        self.items, self.nodes = {}, {}
        self._add(root, None)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if keep not in self.items:
            keep = next((n.id for n in root.walk() if n.is_current), None)
            keep = keep if keep is not None else [n for n in root.walk() if n.on_path][-1].id
        self.tree.setCurrentItem(self.items[keep])
        self.tree.verticalScrollBar().setValue(scrolled)
        self._show_chosen()

    def _add(self, node: TryNode, parent: QTreeWidgetItem | None) -> None:
        words = first_words(node.text, 12) or "(empty paragraph)"
        item = QTreeWidgetItem([f"{node_label(node, self.notes)} — {words}", accepted_words(node.accepted_at), ""])
        item.setText(2, "● now" if node.is_current else STATE_WORDS.get(node.state, "") if node.state else "")
        item.setData(0, Qt.ItemDataRole.UserRole, node.id)
        item.setToolTip(0, f"{node_label(node, self.notes)}\n\n{node.text}\n\n{KEYS_TIP}")
        if len(node.accepted_at) > 1:
            item.setToolTip(1, "\n".join(accepted_words([at]) for at in node.accepted_at))
        palette = self.palette()
        for column in range(3):
            font = item.font(column)
            font.setBold(node.on_path)
            font.setItalic(node.state is VariantState.DISCARDED)
            item.setFont(column, font)
            if node.on_path:
                item.setForeground(column, palette.brush(QPalette.ColorRole.Highlight))
            elif node.state is VariantState.DISCARDED:
                item.setForeground(column, palette.brush(QPalette.ColorRole.PlaceholderText))
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        self.items[node.id], self.nodes[node.id] = item, node
        for child in node.children:
            self._add(child, item)

    def chosen(self) -> TryNode | None:
        """The try the writer has reached in the tree."""
        item = self.tree.currentItem()
        return None if item is None else self.nodes.get(item.data(0, Qt.ItemDataRole.UserRole))

    def choose(self, node_id: str) -> None:
        self.tree.setCurrentItem(self.items[node_id])

    def _show_chosen(self) -> None:
        node = self.chosen()
        if node is None:
            return
        self.caption.setText(f"<b>{node_label(node, self.notes)}</b>")
        facts = [accepted_words(node.accepted_at)] if node.accepted_at else []
        if node.is_current:
            facts.append("● the paragraph now")
        elif node.state is not None:
            facts.append(STATE_WORDS[node.state])
        if not node.is_current and node.text != self.paragraph:
            facts.append("marked: what differs from the paragraph now")
        self.facts.setText(" · ".join(facts))
        differs = node.text != self.paragraph
        self.text.setHtml(marked_html(self.paragraph, node.text, self.palette(), differs))
        self.now.setHtml(marked_html(node.text, self.paragraph, self.palette(), differs))
        self.now_heading.setText(
            "<b>The paragraph now</b>" + (" · marked: what accepting this would replace" if differs else "")
        )
        self.accept_button.setEnabled(node.variant is not None and node.text != self.paragraph)
        self.accept_button.setToolTip(
            "This try is the paragraph now"
            if node.text == self.paragraph
            else "Swap this try into the paragraph (Return); Ctrl+Z undoes it"
        )
        self.refine_button.setEnabled(bool(node.text.strip()))

    # -- moving like a loom ------------------------------------------------------------

    def go(self, key: Qt.Key) -> None:
        """Left: the parent; Right: the first child; Up/Down: the previous or next sibling (none: stay)."""
        item = self.tree.currentItem()
        if item is None:
            return
        parent = item.parent()
        target: QTreeWidgetItem | None = None
        if key == Qt.Key.Key_Left:
            target = parent
        elif key == Qt.Key.Key_Right:
            target = item.child(0) if item.childCount() else None
        elif parent is not None:
            at = parent.indexOfChild(item) + (-1 if key == Qt.Key.Key_Up else 1)
            target = parent.child(at) if 0 <= at < parent.childCount() else None
        if target is not None:
            self.tree.setCurrentItem(target)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, plain = (
                event.key(),
                event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier),
            )
            if plain and key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.go(Qt.Key(key))
                return True
            if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept_chosen()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_requested.emit()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.redo_requested.emit()
        else:
            super().keyPressEvent(event)

    # -- requests ----------------------------------------------------------------------

    def accept_chosen(self) -> None:
        node = self.chosen()
        if node is not None and node.variant is not None and self.accept_button.isEnabled():
            self.accept_requested.emit(self.card_id, node.variant.id)

    def refine_chosen(self) -> None:
        node = self.chosen()
        if node is not None and self.refine_button.isEnabled():
            self.refine_requested.emit(self.card_id, node.id)
