"""The column of cards: moving between them, typing, splitting, merging, reordering.

The view owns the undo stack's writer-facing side: typing is shown at once
and saved (as one undoable step per stretch of typing) after a short pause,
when the writer leaves the card, before any other action, and, while the
writer keeps typing, at most ``SAVE_AT_LATEST_MS`` after the first unsaved
keystroke: a crash loses no more than that. Each save writes only the one card
(one small transaction). Typing and the edits that shape the draft that cannot
be saved (a full disk) are kept in memory and in the recovery file, and go on
working; the window's ``SaveGuard`` saves them once it can.

It also keeps rows as tall as they need to be: a list view only measures rows
when it lays the column out, so when a card's height changes (its editor
grows, its stack starts peeking, it unfurls) the view lays it out again. The
one unfurled stack (``unfurl``) is a real widget on the viewport, placed in
the room the delegate leaves under its card, and moved whenever rows move.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QUndoStack
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QListView, QStyleOptionViewItem, QWidget

from cardwriter.domain.model import Card
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.card_delegate import CardDelegate
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.draft.card_model import CardListModel, CardRole
from cardwriter.gui.draft.unfurled_slot import UnfurledSlot, UnfurledWidget

SAVE_AFTER_MS = 700  # a pause in typing this long saves it (and tells that the writer paused)
SAVE_AT_LATEST_MS = 600  # typing goes on: saved this long after its first unsaved key anyway (room for a slow fsync)


class DraftView(QListView):
    current_card_changed = Signal(str)  # card id, or "" when there is none
    typing_paused = Signal(str)  # card id: the writer stopped typing in it
    peek_clicked = Signal(str)  # card id: the writer clicked the stack peeking under it
    folded = Signal(str)  # card id: its unfurled stack folded back

    def __init__(self, model: CardListModel, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self._editor: CardEditor | None = None
        self._editing_id = ""
        self._slot = UnfurledSlot(self)  # the one stack unfurled under its card, if any
        self._card_before_reset = ""
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self.save_typing)
        self._latest_timer = QTimer(self, singleShot=True, interval=SAVE_AT_LATEST_MS)
        self._latest_timer.timeout.connect(lambda: self.save_typing(paused=False))
        self._not_paused: set[str] = set()  # cards saved while the writer kept typing: no pause told yet
        self.setModel(model)
        delegate = CardDelegate(self)
        delegate.editor_created.connect(self._attach)
        self.setItemDelegate(delegate)
        self.delegate = delegate
        delegate.escape_pressed.connect(self.fold)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(self.horizontalScrollBarPolicy().ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setSpacing(0)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.CurrentChanged
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)  # cards move; notes come in from the panel
        self.setDefaultDropAction(self.defaultDropAction().MoveAction)
        model.move_requested.connect(self.move_card_to)
        model.rowsAboutToBeRemoved.connect(self._rows_leaving)
        model.modelAboutToBeReset.connect(self._remember_card)
        model.modelReset.connect(self._return_to_card)
        # Keys that move or add cards (Ctrl+Shift+Up/Down, Ctrl+Return) belong to the main menu's actions.

    def card_model(self) -> CardListModel:
        model = self.model()
        assert isinstance(model, CardListModel), "a DraftView always shows a CardListModel"
        return model

    # -- which card --------------------------------------------------------

    def current_card_id(self) -> str:
        index = self.currentIndex()
        return self.card_model().card_at(index.row()).id if index.isValid() else ""

    def go_to_card(self, card_id: str, cursor: int | None = None) -> None:
        index = self.card_model().index_of_card(card_id)
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        self.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(index)
        if self._editor is None or self._editing_id != card_id:
            self.edit(index)
        if self._editor is not None and cursor is not None:
            if cursor < 0:
                self._editor.place_cursor_at_end()
            else:
                self._editor.place_cursor(cursor)

    def editor(self) -> CardEditor | None:
        """The card editor open now (one card at a time is edited), if any."""
        return self._editor

    def editing_id(self) -> str:
        return self._editing_id

    def write_in(self, card_id: str) -> None:
        """Put the keyboard in ``card_id``'s editor (focus first: a focus change closes an editor)."""
        self.setFocus()
        self.go_to_card(card_id)
        if self._editor is not None:
            self._editor.setFocus()

    def currentChanged(
        self, current: QModelIndex | QPersistentModelIndex, previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.save_typing()
        super().currentChanged(current, previous)
        self.current_card_changed.emit(self.current_card_id())

    # -- the editor --------------------------------------------------------

    def _attach(self, editor: CardEditor, card_id: str) -> None:
        self._editor, self._editing_id = editor, card_id
        self.delegate.editing_id = card_id
        editor.installEventFilter(self)  # a click in the unfurled card's paragraph folds its stack
        editor.textChanged.connect(lambda: self._typed(editor))
        editor.height_needed.connect(lambda height: self._editor_needs(editor, height))
        editor.split_requested.connect(self.split_current)
        editor.merge_requested.connect(self.merge_current)
        editor.leave_requested.connect(self._leave)
        editor.destroyed.connect(lambda: self._detached(editor))

    def _detached(self, editor) -> None:
        if self._editor is editor:
            self._editor, self._editing_id = None, ""
            self.delegate.editing_id = ""

    def _editor_needs(self, editor: CardEditor, height: int) -> None:
        """The editor's text needs ``height`` px: grow (or shrink) its card so no line is hidden."""
        if editor is self._editor and self.delegate.editor_height != (self._editing_id, height):
            self.delegate.editor_height = (self._editing_id, height)
            self._relayout_if_resized(self.card_model().index_of_card(self._editing_id))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._editor
            and event.type() == QEvent.Type.MouseButtonPress
            and self._slot.widget is not None
            and self._editing_id == self._slot.card_id
        ):
            self.fold()
        return super().eventFilter(watched, event)

    def closeEditor(self, editor, hint) -> None:
        self.save_typing()
        if editor is self._editor:
            self._editor, self._editing_id = None, ""
            self.delegate.editor_height, self.delegate.editing_id = ("", 0), ""
        super().closeEditor(editor, hint)

    def _typed(self, editor: CardEditor) -> None:
        if editor is not self._editor or not self._editing_id:
            return
        self.card_model().set_live_text(self._editing_id, editor.toPlainText())
        self._save_timer.start()
        if not self._latest_timer.isActive():  # not restarted by later keys: the deadline holds
            self._latest_timer.start()

    def save_typing(self, paused: bool = True) -> bool:
        """Save what was typed as one undoable step (per card); False while anything is not in the file.

        ``paused`` False: the writer is still typing (the save at the latest), so
        ``typing_paused`` waits for the real pause.
        """
        if paused:  # else the pause still comes, and says so
            self._save_timer.stop()
        self._latest_timer.stop()
        model = self.card_model()
        saved: set[str] = set()
        tried = False
        for card_id, text in model.take_live_text().items():
            row = model.row_of(card_id)
            if row is not None and model.card_at(row).text != text:
                command = undo_commands.EditText(model, card_id, model.card_at(row).text, text)
                self.undo_stack.push(command)
                tried = True
                if command.failure is None and not model.session.behind:  # kept unsaved: no fill for it yet
                    saved.add(card_id)
        if not tried and model.session.behind:  # edits kept in memory: try the file again
            model.save_pending()
        if paused:
            for card_id in [*(self._not_paused - saved), *saved]:
                self.typing_paused.emit(card_id)
            self._not_paused.clear()
        else:
            self._not_paused |= saved
        return not model.has_unsaved()

    # -- actions -----------------------------------------------------------

    def split_current(self, offset: int) -> None:
        card_id = self._editing_id or self.current_card_id()
        if not card_id:
            return
        self.save_typing()  # kept in memory if it cannot be saved: the split goes on (as does every edit here)
        command = undo_commands.SplitCard(self.card_model(), card_id, offset)
        self.undo_stack.push(command)
        self.go_to_card(command.new_card_id or card_id, 0 if command.failure is None else offset)

    def merge_current(self) -> None:
        card_id = self._editing_id or self.current_card_id()
        model = self.card_model()
        row = model.row_of(card_id) if card_id else None
        if not row:  # None or the first card
            return
        self.save_typing()
        command = undo_commands.MergeWithPrevious(model, card_id)
        self._close_editor()
        self.undo_stack.push(command)
        if command.failure is None:
            self.go_to_card(command.above_id, command.offset)
        else:
            self.go_to_card(card_id, 0)

    def insert_card_below(self) -> str:
        """Add an empty card below the current one (or at the end), go to it, and return its id."""
        self.save_typing()
        model = self.card_model()
        row = model.row_of(self.current_card_id()) if self.current_card_id() else model.rowCount() - 1
        card = Card("")
        command = undo_commands.InsertCard(model, (row if row is not None else -1) + 1, card)
        self.undo_stack.push(command)
        if command.failure is not None:
            return ""
        self.go_to_card(card.id, 0)
        return card.id

    def delete_current(self) -> None:
        card_id = self.current_card_id()
        if not card_id:
            return
        self.save_typing()
        row = self.card_model().row_of(card_id)
        if row is None:  # the current card is always in the model
            return
        self._close_editor()
        command = undo_commands.DeleteCard(self.card_model(), card_id)
        self.undo_stack.push(command)
        if command.failure is not None:
            self.go_to_card(card_id)
        elif self.card_model().rowCount():
            self.go_to_card(self.card_model().card_at(min(row, self.card_model().rowCount() - 1)).id)

    def move_current(self, step: int) -> None:
        card_id = self.current_card_id()
        row = self.card_model().row_of(card_id) if card_id else None
        if row is None or not 0 <= row + step < self.card_model().rowCount():
            return
        self.move_card_to(card_id, row + step)

    def move_card_to(self, card_id: str, to_row: int) -> None:
        self.save_typing()
        self._close_editor()
        self.undo_stack.push(undo_commands.MoveCard(self.card_model(), card_id, to_row))
        self.go_to_card(card_id)

    def _remember_card(self) -> None:
        """A change whose save failed resets the model (see ``CardListModel._rows_change``)..."""
        self._card_before_reset = self.current_card_id()

    def _return_to_card(self) -> None:
        """...and the writer stays on the card they were on."""
        self.go_to_card(self._card_before_reset)

    def _leave(self, step: int) -> None:
        row = self.card_model().row_of(self._editing_id)
        if row is None or not 0 <= row + step < self.card_model().rowCount():
            return
        target = self.card_model().card_at(row + step).id
        self._close_editor()
        self.go_to_card(target, -1 if step < 0 else 0)

    def _close_editor(self) -> None:
        if self._editor is not None:
            self.closeEditor(self._editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def refresh_editor(self) -> None:
        """After undo or redo, show the saved text in the open editor."""
        if self._editor is not None:
            row = self.card_model().row_of(self._editing_id)
            if row is None:
                self._close_editor()
            else:
                self.itemDelegate().setEditorData(self._editor, self.card_model().index(row))

    # -- row heights -----------------------------------------------------------

    def option_for(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        return option

    def _relayout_if_resized(self, index: QModelIndex) -> None:
        """Lay the column out again if ``index``'s row no longer has the height it needs."""
        if index.isValid():
            rect = self.visualRect(index)
            if rect.isValid() and self.delegate.sizeHint(self.option_for(index), index).height() != rect.height():
                self.scheduleDelayedItemsLayout()

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        super().dataChanged(top_left, bottom_right, roles)
        if bottom_right.row() - top_left.row() < 50:
            for row in range(top_left.row(), bottom_right.row() + 1):
                self._relayout_if_resized(self.card_model().index(row))
        else:
            self.scheduleDelayedItemsLayout()

    # -- the unfurled stack ------------------------------------------------------

    def unfurled_id(self) -> str:
        return self._slot.card_id

    def unfurled_widget(self) -> QWidget | None:
        return self._slot.widget

    def unfurl(self, card_id: str, widget: UnfurledWidget) -> None:
        """Open ``widget`` (an unfurled stack) under ``card_id``'s card, folding any other first."""
        self.fold()
        self._slot.open(card_id, widget)

    def fold(self) -> None:
        """Fold the unfurled stack (if any) back into a peek."""
        card_id = self._slot.close()
        if card_id:
            self.folded.emit(card_id)

    def updateEditorGeometries(self) -> None:
        """Qt calls this after every layout and resize: the unfurled stack moves with its card."""
        super().updateEditorGeometries()
        self._slot.place()

    def _rows_leaving(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._slot.rows_leaving(first, last):
            self.fold()

    # -- clicks on the peek ---------------------------------------------------------

    def _peek_at(self, pos) -> str:
        """The id of the card whose peeking stack is under ``pos`` (viewport coordinates), or ""."""
        index = self.indexAt(pos)
        if not index.isValid() or index.data(CardRole.ID) == self._slot.card_id:
            return ""
        return index.data(CardRole.ID) if self.delegate.peek_rect(self.option_for(index), index).contains(pos) else ""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        card_id = self._peek_at(pos)
        if card_id and event.button() == Qt.MouseButton.LeftButton:
            self.peek_clicked.emit(card_id)
            event.accept()
            return
        index = self.indexAt(pos)
        if self._slot.widget is not None and index.isValid() and index.data(CardRole.ID) == self._slot.card_id:
            if self.delegate.card_rect(self.option_for(index), index).contains(pos):
                self.fold()  # a click on the paragraph folds its stack
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over_peek = bool(self._peek_at(event.position().toPoint()))
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over_peek else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._slot.widget is not None:
            self.fold()
            return
        super().keyPressEvent(event)
