"""The notes library in the side panel: search, add, edit, drag out, drop in, combine.

Typing in the search box filters by words at once; the search by meaning
arrives a moment later from a worker thread (the window runs it). Above the
library, "Near this paragraph" shows the notes closest to the current card.
Every change to a note is undoable from the window's undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelectionModel, QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cardwriter.domain.model import Note
from cardwriter.gui.common.drag_data import NOTE_MIME
from cardwriter.gui.notes.notes_model import NOTE_ID_ROLE, NotesModel

SEARCH_AFTER_MS = 250


class NoteDialog(QDialog):
    """Write or edit a note: its text, where it came from, and tags."""

    def __init__(self, note: Note | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Edit Note" if note else "New Note")
        self.text = QPlainTextEdit(note.text if note else "")
        self.text.setPlaceholderText("A quote, a passage, a fragment of your own…")
        self.source = QLineEdit(note.source if note else "")
        self.source.setPlaceholderText("Author, book, or where you found it (optional)")
        self.tags = QLineEdit(", ".join(note.tags) if note else "")
        self.tags.setPlaceholderText("tags, separated by commas")
        form = QFormLayout(self)
        form.addRow(self.text)
        form.addRow("Source", self.source)
        form.addRow("Tags", self.tags)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(460, 320)

    def values(self) -> tuple[str, str, tuple[str, ...]]:
        tags = tuple(t.strip() for t in self.tags.text().split(",") if t.strip())
        return self.text.toPlainText().strip(), self.source.text().strip(), tags


class NoteChange(QUndoCommand):
    """Add, edit or delete notes: ``before`` and ``after`` are the notes as they were and become.

    The change itself is the notes library's (``NotesLibrary.replace``); this only makes it undoable.
    """

    def __init__(self, panel: NotesPanel, text: str, before: list[Note], after: list[Note]):
        super().__init__(text)
        self.panel, self.before, self.after = panel, before, after

    def _apply(self, old: list[Note], new: list[Note]) -> None:
        self.panel.model.library.replace(old, new)
        self.panel.model.reload()
        self.panel.notes_changed.emit()

    def redo(self) -> None:
        self._apply(self.before, self.after)

    def undo(self) -> None:
        self._apply(self.after, self.before)


class RelatedList(QListWidget):
    """The notes near the current paragraph; they drag out like notes from the library."""

    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        mime.setData(NOTE_MIME, QByteArray("\n".join(i.data(NOTE_ID_ROLE) for i in items).encode()))
        mime.setText("\n\n".join(i.toolTip() for i in items))
        return mime


class NotesPanel(QWidget):
    search_requested = Signal(str)  # the window searches by meaning and calls show_results
    notes_changed = Signal()
    combine_requested = Signal(str, str)  # two note ids
    associate_requested = Signal(str)  # note id: what does this make you think of?
    insert_requested = Signal(str)  # note id: insert as a new card below the current one

    def __init__(self, model: NotesModel, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.model = model
        self.undo_stack = undo_stack
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search notes by meaning or words…")
        self.search.setClearButtonEnabled(True)
        self.related_label = QLabel("Near this paragraph")
        self.related_label.setEnabled(False)
        self.related = RelatedList()
        self.related.setObjectName("related-notes")
        self.related.setMaximumHeight(110)
        self.related.setWordWrap(True)
        self.related.setAlternatingRowColors(True)
        self.related.setSpacing(2)
        self.related.setDragEnabled(True)
        self.related.itemDoubleClicked.connect(lambda item: self.insert_requested.emit(item.data(NOTE_ID_ROLE)))
        self.related.setToolTip("Double-click to insert as a new card; drag onto a card to fuse it in")
        self.list = QListView()
        self.list.setObjectName("notes")
        self.list.setModel(model)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setDragEnabled(True)
        self.list.setAcceptDrops(True)
        self.list.setDropIndicatorShown(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.list.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.doubleClicked.connect(lambda index: self.edit_note(self.model.note_at(index.row()).id))
        self.empty = QLabel("No notes yet. Add one, or drop text or files here.")
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)
        add = QPushButton("New Note…")
        add.clicked.connect(self.new_note)
        self.combine = QPushButton("Combine")
        self.combine.setToolTip("Select two notes and see what falls out of them")
        self.combine.clicked.connect(self._combine_selected)

        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.combine)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.related_label)
        layout.addWidget(self.related)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_AFTER_MS)
        self._search_timer.timeout.connect(lambda: self.search_requested.emit(self.search.text().strip()))
        self.search.textChanged.connect(self._search_typed)
        model.modelReset.connect(self._update_empty)
        model.texts_dropped.connect(self.add_texts)
        model.notes_combined.connect(self.combine_requested)
        self.show_related([])
        self._update_empty()

    # -- search --------------------------------------------------------------

    def _search_typed(self, text: str) -> None:
        query = text.strip().lower()
        if not query:
            self._search_timer.stop()
            self.model.show_only(None)
            return
        words = query.split()
        instant = [
            n.id for n in self.model.all_notes() if all(w in n.text.lower() or w in n.source.lower() for w in words)
        ]
        self.model.show_only(instant)  # words match at once; meaning follows
        self._search_timer.start()

    def show_results(self, query: str, note_ids: list[str]) -> None:
        """Results of a search by meaning, if the box still says ``query``."""
        if query == self.search.text().strip():
            self.model.show_only(note_ids)

    def show_related(self, notes: list[Note]) -> None:
        self.related.clear()
        for note in notes:
            shown = " ".join(note.text.split())
            item = QListWidgetItem(shown if len(shown) <= 110 else shown[:109] + "…")
            item.setData(NOTE_ID_ROLE, note.id)
            item.setToolTip(note.text)
            self.related.addItem(item)
        visible = bool(notes)
        self.related_label.setVisible(visible)
        self.related.setVisible(visible)

    def show_note(self, note_id: str) -> bool:
        """Select ``note_id`` in the library and scroll to it (clearing a search that hides it); False if gone."""
        if note_id not in self.model.shown_ids():
            self.search.clear()
        if note_id not in self.model.shown_ids():
            return False
        index = self.model.index(self.model.shown_ids().index(note_id))
        self.list.setCurrentIndex(index)
        self.list.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.list.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.list.setFocus()
        return True

    def _update_empty(self) -> None:
        self.empty.setVisible(self.model.rowCount() == 0 and not self.search.text().strip())

    # -- changes -------------------------------------------------------------

    def new_note(self) -> None:
        dialog = NoteDialog(parent=self)
        if dialog.exec():
            text, source, tags = dialog.values()
            if text:
                self.add_notes([Note(text, source=source, tags=tags)])

    def add_texts(self, texts: list[str], source: str = "") -> None:
        self.add_notes([Note(t.strip(), source=source) for t in texts if t.strip()])

    def add_notes(self, notes: list[Note], label: str = "Add note") -> None:
        if notes:
            self.undo_stack.push(NoteChange(self, label if len(notes) == 1 else f"Add {len(notes)} notes", [], notes))

    def edit_note(self, note_id: str) -> None:
        note = self.model.note(note_id)
        if note is None:
            return
        dialog = NoteDialog(note, parent=self)
        if dialog.exec():
            text, source, tags = dialog.values()
            if text and (text, source, tags) != (note.text, note.source, note.tags):
                changed = Note(text=text, source=source, tags=tags, id=note.id, created=note.created)
                self.undo_stack.push(NoteChange(self, "Edit note", [note], [changed]))

    def delete_notes(self, note_ids: list[str]) -> None:
        notes = [n for n in (self.model.note(i) for i in note_ids) if n is not None]
        if notes:
            self.undo_stack.push(NoteChange(self, "Delete note" if len(notes) == 1 else "Delete notes", notes, []))

    def selected_ids(self) -> list[str]:
        return [self.model.note_at(i.row()).id for i in self.list.selectionModel().selectedRows()]

    def _combine_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            self.combine_requested.emit(ids[0], ids[1])

    def _context_menu(self, pos) -> None:
        index: QModelIndex = self.list.indexAt(pos)
        if not index.isValid():
            return
        note_id = self.model.note_at(index.row()).id
        ids = self.selected_ids() if note_id in self.selected_ids() else [note_id]
        menu = QMenu(self)
        for text, slot, enabled in (
            ("Insert as Card", lambda: self.insert_requested.emit(note_id), True),
            ("What Does This Make You Think Of?", lambda: self.associate_requested.emit(note_id), True),
            ("Combine the Two Selected", self._combine_selected, len(ids) == 2),
            ("Edit…", lambda: self.edit_note(note_id), True),
            ("Delete", lambda: self.delete_notes(ids), True),
        ):
            action = QAction(text, menu)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.exec(self.list.viewport().mapToGlobal(pos))
