"""The find and replace bar, under the draft (Ctrl+F, Ctrl+H, F3, Shift+F3, Esc closes it).

The bar finds in the draft's cards as the writer types (the matching itself
is ``services/find_replace``'s pure functions), shows "3 of 12", marks every
match in the painted cards (it is a mark source of the card delegate) and in
the open editor, and selects the current match in its card. A bad regular
expression is said in the bar, in red; nothing is raised. "Include notes"
searches the notes library too (``find_in_notes``): its matches come after
the draft's, and stepping onto one selects its note in the notes panel.

Replace changes the match selected now; Replace All changes every card (and
note) at once as one undoable step (``ReplaceTexts``), saved in one transaction.
"""

from __future__ import annotations

import dataclasses
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cardwriter.errors import UserError
from cardwriter.gui.common.text_marks import CURRENT, FIND, char_format
from cardwriter.gui.tools.find_in_notes import FindNotes, ReplaceTexts
from cardwriter.services.find_replace import (
    FindOptions,
    Match,
    compile_pattern,
    find_all,
    find_in_text,
    replace_in_notes,
    replace_in_text,
    replace_one,
    step,
)


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = self.undo_stack = None
        self._pattern: re.Pattern | None = None
        self._matches: list[Match] = []
        self._current: Match | None = None
        self._by_card: dict[tuple[str, str], list[tuple[int, int]]] = {}

        self.find_edit = QLineEdit(placeholderText="Find in the draft", clearButtonEnabled=True)
        self.replace_edit = QLineEdit(placeholderText="Replace with", clearButtonEnabled=True)
        self.match_case = QCheckBox("Match case")
        self.whole_word = QCheckBox("Whole word")
        self.regex = QCheckBox("Regular expression")
        self.include_notes = QCheckBox("Include notes")
        self.include_notes.setToolTip("Find and replace in the notes library too")
        self.notes = FindNotes(self)  # the notes panel to search, given by the window
        self.previous_button = QPushButton("Previous")
        self.next_button = QPushButton("Next")
        self.replace_button = QPushButton("Replace")
        self.replace_all_button = QPushButton("Replace All")
        self.message = QLabel("")
        self.message.setObjectName("findMessage")
        close = QToolButton(text="✕", toolTip="Close (Esc)", autoRaise=True)

        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.addWidget(self.find_edit, 0, 0)
        grid.addWidget(self.previous_button, 0, 1)
        grid.addWidget(self.next_button, 0, 2)
        grid.addWidget(self.match_case, 0, 3)
        grid.addWidget(self.whole_word, 0, 4)
        grid.addWidget(self.regex, 0, 5)
        grid.addWidget(self.include_notes, 0, 6)
        grid.addWidget(close, 0, 7)
        grid.addWidget(self.replace_edit, 1, 0)
        grid.addWidget(self.replace_button, 1, 1)
        grid.addWidget(self.replace_all_button, 1, 2)
        grid.addWidget(self.message, 1, 3, 1, 5)
        grid.setColumnStretch(0, 1)
        self._replace_row = (self.replace_edit, self.replace_button, self.replace_all_button)

        self.find_edit.textChanged.connect(self.search)
        self.find_edit.returnPressed.connect(self.find_next)
        self.replace_edit.returnPressed.connect(self.replace_current)
        for box in (self.match_case, self.whole_word, self.regex, self.include_notes):
            box.toggled.connect(self.search)
        self.notes.changed.connect(self._draft_changed)
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.replace_button.clicked.connect(self.replace_current)
        self.replace_all_button.clicked.connect(self.replace_all)
        close.clicked.connect(self.close_bar)
        self.hide()

    # -- showing ---------------------------------------------------------------

    def attach(self, view, undo_stack) -> None:  # a DraftView and the window's QUndoStack
        """Find in this draft from now on (``view`` is None when no draft is open)."""
        self.view, self.undo_stack = view, undo_stack
        if view is not None:
            view.delegate.mark_sources.append(self)
            view.delegate.editor_created.connect(lambda *_: self._mark_editor())
            view.card_model().dataChanged.connect(self._draft_changed)
            view.card_model().rowsRemoved.connect(self._draft_changed)
            view.card_model().rowsInserted.connect(self._draft_changed)
            view.current_card_changed.connect(self._left_note)
        self.search()

    def open_bar(self, replace: bool) -> None:
        """Show the bar (with the replace row for Ctrl+H), starting from the selected words if any."""
        for widget in self._replace_row:
            widget.setVisible(replace)
        editor = self.view.editor() if self.view is not None else None
        selected = editor.textCursor().selectedText() if editor is not None else ""
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()
        self.search()

    def close_bar(self) -> None:
        self.hide()
        self._pattern, self._matches, self._current = None, [], None
        self._repaint()
        if self.view is not None:
            self.view.setFocus()
            if self.view.current_card_id():
                self.view.write_in(self.view.current_card_id())
        self.closed.emit()

    def under(self, widget: QWidget) -> QWidget:
        """The window's central area: ``widget`` (the draft) with this bar under it."""
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(widget)
        layout.addWidget(self)
        return column

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    # -- finding ----------------------------------------------------------------

    def options(self) -> FindOptions:
        return FindOptions(
            self.find_edit.text(), self.match_case.isChecked(), self.whole_word.isChecked(), self.regex.isChecked()
        )

    def search(self) -> None:
        """Find every match again (the words, the options or the draft changed)."""
        self._by_card.clear()
        self._pattern, self._matches = None, []
        error = ""
        if self.isVisible() and self.view is not None:
            try:
                self._pattern = compile_pattern(self.options())
            except UserError as exc:
                error = str(exc)
            if self._pattern is not None:
                self._matches = find_all(self._texts(), self._pattern, self._note_texts())
        if self._current not in self._matches:
            self._current = None
        self._show_count(error)
        self._repaint()

    def _texts(self) -> list[tuple[str, str]]:
        """(card id, text as shown) for every card, typing included."""
        model = self.view.card_model()
        return [
            (model.card_at(row).id, model.index(row).data(Qt.ItemDataRole.DisplayRole) or "")
            for row in range(model.rowCount())
        ]

    def _note_texts(self) -> list[tuple[str, str]]:
        """(note id, text) of every note when "Include notes" is ticked; none otherwise."""
        return self.notes.texts() if self.include_notes.isChecked() else []

    def _left_note(self, *_args) -> None:
        """The writer went back into the draft: the next step starts from the card, not the note."""
        if self._current is not None and self._current.in_note:
            self._current = None
            self._show_count()

    def _draft_changed(self, *_args) -> None:
        if self.isVisible():
            self.search()

    def _show_count(self, error: str = "") -> None:
        self.message.setProperty("error", bool(error))
        self.message.setStyleSheet("color: #c0392b;" if error else "")
        if error:
            self.message.setText(error)
        elif not self.find_edit.text():
            self.message.setText("")
        elif not self._matches:
            self.message.setText("Not found")
        elif self._current is not None:
            where = " (in a note)" if self._current.in_note else ""
            self.message.setText(f"{self._matches.index(self._current) + 1} of {len(self._matches)}{where}")
        else:
            in_notes = sum(m.in_note for m in self._matches)
            self.message.setText(f"{len(self._matches)} found" + (f" ({in_notes} in notes)" if in_notes else ""))

    def step_by(self, way: int) -> None:
        """F3 (``way`` +1) or Shift+F3 (-1)."""
        self._step(backwards=way < 0)

    def find_next(self) -> None:
        self._step(backwards=False)

    def find_previous(self) -> None:
        self._step(backwards=True)

    def _step(self, backwards: bool) -> None:
        if not self.isVisible():
            self.open_bar(replace=self.replace_edit.isVisible())
        if not self._matches or self.view is None:
            return
        card_id, start, end = self._cursor()
        self._step_from(card_id, start if backwards else end, backwards)

    def _step_from(self, card_id: str, offset: int, backwards: bool = False) -> None:
        """Select the match after (or before) ``offset`` in the card or note ``card_id``."""
        order = {cid: place for place, (cid, _text) in enumerate(self._texts() + self._note_texts())}
        found = step(self._matches, order, card_id, offset, backwards)
        if found is None:
            return
        self._current = found
        self._select(found)

    def _cursor(self) -> tuple[str, int, int]:
        """Where the writer is: the card and the selection (or cursor) in it, or the note match shown."""
        if self._current is not None and self._current.in_note:
            return self._current.card_id, self._current.start, self._current.end
        editor = self.view.editor()
        if editor is None:
            return self.view.current_card_id(), 0, 0
        cursor = editor.textCursor()
        return self.view.editing_id(), cursor.selectionStart(), cursor.selectionEnd()

    def _select(self, match: Match) -> None:
        if match.in_note:
            self.notes.reveal(match.card_id)
            self._show_count()
            self._repaint()
            return
        self.view.go_to_card(match.card_id)
        editor = self.view.editor()
        if editor is not None:
            cursor = editor.textCursor()
            cursor.setPosition(match.start)
            cursor.setPosition(match.end, QTextCursor.MoveMode.KeepAnchor)
            editor.setTextCursor(cursor)
            editor.ensureCursorVisible()
        self._show_count()
        self._repaint()

    # -- marks --------------------------------------------------------------------

    def marks_for(self, card_id: str, text: str) -> list[tuple[int, int, str]]:
        """The delegate's question: which stretches of this card to highlight."""
        if self._pattern is None:
            return []
        key = (card_id, text)
        spans = self._by_card.get(key)
        if spans is None:
            spans = self._by_card[key] = find_in_text(text, self._pattern)
        current = self._current
        return [(s, e, CURRENT if current and current == Match(card_id, s, e) else FIND) for s, e in spans]

    def _repaint(self) -> None:
        if self.view is not None:
            self.view.viewport().update()
            self._mark_editor()

    def _mark_editor(self) -> None:
        editor = self.view.editor() if self.view is not None else None
        if editor is None:
            return
        selections = []
        for start, end, kind in self.marks_for(self.view.editing_id(), editor.toPlainText()):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(editor.document())
            selection.cursor.setPosition(start)
            selection.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.format = char_format(kind)
            selections.append(selection)
        editor.setExtraSelections(selections)

    # -- replacing ------------------------------------------------------------------

    def replace_current(self) -> None:
        """Replace the match selected now, then go to the next one."""
        if self.view is None or self._pattern is None:
            return
        here = self._cursor()
        if self._current is None or (self._current.card_id, self._current.start, self._current.end) != here:
            self.find_next()
            return
        card_id, start, end = here
        if self._current.in_note:
            self._replace_in_note(self._current)
            return
        self.view.save_typing()
        text = self.view.card_model().card_at(self.view.card_model().row_of(card_id)).text
        try:
            new = replace_one(text, self._current, self._pattern, self.replace_edit.text(), self.regex.isChecked())
        except UserError as exc:
            self._show_count(str(exc))
            return
        if new != text:
            self.undo_stack.push(ReplaceTexts(self.view.card_model(), [(card_id, text, new)], "Replace"))
            self.view.refresh_editor()
            editor = self.view.editor()
            if editor is not None:
                editor.place_cursor(start + len(new) - len(text) + (end - start))
        self.search()
        self.find_next()

    def _replace_in_note(self, match: Match) -> None:
        """Replace one match in a note (one undoable step), then go on from there."""
        note = self.notes.note(match.card_id)
        if note is None or self._pattern is None:
            return
        try:
            new = replace_one(note.text, match, self._pattern, self.replace_edit.text(), self.regex.isChecked())
        except UserError as exc:
            self._show_count(str(exc))
            return
        if new != note.text:
            changed = dataclasses.replace(note, text=new)
            self.undo_stack.push(ReplaceTexts(self.view.card_model(), [], "Replace", self.notes, [(note, changed)]))
        self._current = None
        self.search()
        self._step_from(match.card_id, match.end + len(new) - len(note.text))

    def replace_all(self) -> int:
        """Replace every match in the draft (and the notes, if included) as one undoable step.

        Returns how many were replaced.
        """
        if self.view is None or self._pattern is None:
            return 0
        self.view.save_typing()
        changes, total, replacement, regex = [], 0, self.replace_edit.text(), self.regex.isChecked()
        try:
            for card_id, text in self._texts():
                new, count = replace_in_text(text, self._pattern, replacement, regex)
                if count:
                    changes.append((card_id, text, new))
                    total += count
            notes = self.notes.notes() if self.include_notes.isChecked() else []
            note_changes, in_notes = replace_in_notes(notes, self._pattern, replacement, regex)
        except UserError as exc:
            self._show_count(str(exc))
            return 0
        if changes or note_changes:
            self.undo_stack.push(ReplaceTexts(self.view.card_model(), changes, "Replace All", self.notes, note_changes))
            self.view.refresh_editor()
        self._current = None
        self.search()
        self.message.setText(self._replaced(total + in_notes, len(changes), len(note_changes)))
        return total + in_notes

    @staticmethod
    def _replaced(total: int, cards: int, notes: int) -> str:
        if not total:
            return "Not found"
        places = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((cards, "card"), (notes, "note")) if n]
        return f"Replaced {total} in {' and '.join(places)}"
