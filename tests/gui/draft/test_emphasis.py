"""Ctrl+I and Ctrl+B in a card put Markdown's italic and bold markers around words, and take them off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog

from cardwriter.gui.draft.emphasis import BOLD, ITALIC, toggle, word_at

CTRL = Qt.KeyboardModifier.ControlModifier
FIRST = "The old keeper climbed the winding stairs every evening, counting the steps aloud."


@pytest.mark.parametrize(
    ("text", "start", "end", "marker", "expected"),
    [
        ("a word b", 2, 6, ITALIC, ("a *word* b", 3, 7)),
        ("a *word* b", 3, 7, ITALIC, ("a word b", 2, 6)),
        ("a *word* b", 2, 8, ITALIC, ("a word b", 2, 6)),  # the markers selected with the word
        ("a **word** b", 4, 8, ITALIC, ("a ***word*** b", 5, 9)),
        ("a ***word*** b", 5, 9, BOLD, ("a *word* b", 3, 7)),
        ("a word b", 3, 3, BOLD, ("a **word** b", 4, 8)),  # the word at the caret
        ("a  b", 2, 2, ITALIC, ("a ** b", 3, 3)),  # no word: markers to type between
    ],
)
def test_toggle(text, start, end, marker, expected):
    assert toggle(text, start, end, marker) == expected


def test_the_word_at_the_caret_keeps_its_apostrophe_not_its_quotes():
    assert word_at("'keeper's' lamp", 3) == (1, 9)


def select(editor, start: int, end: int) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def test_ctrl_i_and_ctrl_b_in_a_card_toggle_italic_and_bold_and_undo_restores(qtbot, window, monkeypatch):
    dialogs: list[str] = []  # Ctrl+I was File ▸ Import: a file dialog instead of italics
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: dialogs.append("import") or ("", ""))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    editor = window.view.editor()
    editor.place_cursor_at_end()
    qtbot.keyClicks(editor, " Slowly.")
    card_id = window.view.editing_id()
    typed = FIRST + " Slowly."
    assert editor.toPlainText() == typed

    select(editor, 8, 14)  # "keeper"
    qtbot.keyClick(editor, Qt.Key.Key_I, CTRL)
    assert dialogs == []
    assert editor.toPlainText() == FIRST.replace("keeper", "*keeper*") + " Slowly."
    assert editor.textCursor().selectedText() == "keeper", "the word stays selected"
    qtbot.keyClick(editor, Qt.Key.Key_I, CTRL)
    assert editor.toPlainText() == typed, "pressed again, it is plain again"

    qtbot.keyClick(editor, Qt.Key.Key_B, CTRL)
    assert editor.toPlainText() == FIRST.replace("keeper", "**keeper**") + " Slowly."
    window.save_typing()
    assert window.session.card(card_id).text == FIRST.replace("keeper", "**keeper**") + " Slowly."

    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)  # undone in the card, as typing is
    assert window.view.editor().toPlainText() == typed
    window.save_typing()
    assert window.session.card(card_id).text == typed
    qtbot.keyClick(editor, Qt.Key.Key_B, CTRL)
    window.save_typing()
    window.undo()  # Edit ▸ Undo, once it is saved: the card's typing, bold with it, is undone as one step
    assert window.session.card(card_id).text == FIRST and window.view.editor().toPlainText() == FIRST

    editor = window.view.editor()
    editor.place_cursor(len("The o"))  # no selection: the word at the caret
    qtbot.keyClick(editor, Qt.Key.Key_I, CTRL)
    assert editor.toPlainText().startswith("The *old* keeper")
    assert editor.textCursor().position() == len("The *o"), "the caret stays on its letter"


def test_import_moved_to_ctrl_shift_i(window):
    owners = window.menu.shortcut_owners()
    assert owners["Ctrl+I"] == ["&Italic"] and owners["Ctrl+B"] == ["&Bold"]
    assert owners["Ctrl+Shift+I"] == ["&Import Text, Markdown, Word or ODF…"]
