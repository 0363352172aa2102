"""Spelling as you type in a real window: underlines, suggestions, the project's dictionary."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QTextCharFormat
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from cardwriter.gui.draft.card_delegate import PAD
from cardwriter.gui.draft.card_text import lay_out
from cardwriter.gui.shell.main_window import MainWindow
from tests.gui.conftest import fake_backend


def underlined(editor, spelling) -> list[str]:
    """The words drawn with the spell-check underline in the editor, as laid out now."""
    block, found = editor.document().firstBlock(), []
    while block.isValid():
        for fmt in block.layout().formats():
            if fmt.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                found.append(block.text()[fmt.start : fmt.start + fmt.length])
        block = block.next()
    return found


def type_into_new_card(qtbot, window, text):
    window.view.insert_card_below()
    editor = window.view.editor()
    QTest.keyClicks(editor, text)
    return editor


def right_click(window, editor, offset):
    cursor = editor.textCursor()
    cursor.setPosition(offset)
    pos = editor.cursorRect(cursor).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, editor.mapToGlobal(pos))
    QApplication.sendEvent(editor, event)
    menu = window.tools.spelling.menu
    menu.hide()
    return menu


def test_a_misspelt_word_is_underlined_and_a_suggestion_replaces_it(qtbot, window):
    editor = type_into_new_card(qtbot, window, "The lamp was teh brightest")
    assert underlined(editor, window.tools.spelling) == ["teh"]
    menu = right_click(window, editor, 14)
    labels = [a.text() for a in menu.actions()]
    assert "the" in labels and "Add “teh” to Dictionary" in labels
    next(a for a in menu.actions() if a.text() == "the").trigger()
    assert editor.toPlainText() == "The lamp was the brightest"
    assert underlined(editor, window.tools.spelling) == []
    window.save_typing()
    assert window.session.card(window.view.editing_id()).text == "The lamp was the brightest"


def test_painted_cards_mark_misspellings_too(qtbot, window):
    spelling = window.tools.spelling
    assert spelling.marks_for("x", "A lighthuose at dusk") == [(2, 12, "misspelt")]


def test_add_to_dictionary_survives_reopening_the_project(qtbot, app_settings, project_path):
    window = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(window)
    window.show()
    editor = type_into_new_card(qtbot, window, "Quillbox keeps the lamp")
    assert underlined(editor, window.tools.spelling) == ["Quillbox"]
    menu = right_click(window, editor, 3)
    next(a for a in menu.actions() if a.text().startswith("Add “Quillbox”")).trigger()
    assert underlined(editor, window.tools.spelling) == []
    window.close()

    again = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(again)
    again.show()
    assert again.project.dictionary_words() == ["Quillbox"]
    editor = type_into_new_card(qtbot, again, "Quillbox and Wrongg")
    assert underlined(editor, again.tools.spelling) == ["Wrongg"]
    again.close()


def test_spelling_can_be_turned_off_and_change_language(qtbot, window):
    editor = type_into_new_card(qtbot, window, "Teh Leuchtturm")
    assert underlined(editor, window.tools.spelling) == ["Teh", "Leuchtturm"]
    window.apply_preferences(dataclasses.replace(window.prefs, spelling_language="de"))
    assert "Leuchtturm" not in underlined(editor, window.tools.spelling)
    window.apply_preferences(dataclasses.replace(window.prefs, spelling=False))
    assert underlined(editor, window.tools.spelling) == []
    assert window.tools.spelling.marks_for("x", "Teh") == []


def pointer_at(widget, pos):
    """A real right-click, through the window as the system sends it: Qt makes the press a context menu
    event for the widget under the pointer."""
    handle, at = widget.window().windowHandle(), widget.mapTo(widget.window(), pos)
    QTest.mousePress(handle, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseRelease(handle, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)


def shown_menu(qtbot, window):
    qtbot.waitUntil(
        lambda: window.tools.spelling.menu is not None and window.tools.spelling.menu.isVisible(), timeout=1000
    )
    menu = window.tools.spelling.menu
    menu.hide()
    return menu


def test_a_right_click_offers_suggestions_for_the_word_under_the_pointer(qtbot, window):
    """In the card being edited the mouse's menu comes to the editor's viewport, not to the editor."""
    editor = type_into_new_card(qtbot, window, "Teh lamp was wrongg")  # the caret is at the end, on "wrongg"
    cursor = editor.textCursor()
    cursor.setPosition(1)
    pointer_at(editor.viewport(), editor.cursorRect(cursor).center())
    menu = shown_menu(qtbot, window)
    labels = [a.text() for a in menu.actions()]
    assert labels[0] == "The", "the suggestions come first"
    assert "Add “Teh” to Dictionary" in labels and not any("wrongg" in label for label in labels)
    menu.actions()[0].trigger()
    assert editor.toPlainText() == "The lamp was wrongg"


def test_a_right_click_on_a_card_not_being_edited_offers_suggestions_too(qtbot, window):
    type_into_new_card(qtbot, window, "The lamp was teh brightest")
    view = window.view
    card_id = view.editing_id()
    view.go_to_card(window.session.cards[0].id)  # the misspelt card is painted now, not edited
    index = window.model.index_of_card(card_id)
    text_rect = view.delegate.card_rect(view.option_for(index), index).adjusted(PAD, PAD, -PAD, -PAD)
    layout, _ = lay_out("The lamp was teh brightest", view.font(), text_rect.width(), view.delegate.line_spacing)
    x = layout.lineAt(0).cursorToX(len("The lamp was t"))[0]
    pointer_at(view.viewport(), QPoint(text_rect.left() + round(x), text_rect.top() + 8))
    menu = shown_menu(qtbot, window)
    labels = [a.text() for a in menu.actions()]
    assert labels[0] == "the" and "Add “teh” to Dictionary" in labels
    menu.actions()[0].trigger()
    assert view.editing_id() == card_id
    window.save_typing()
    assert window.session.card(card_id).text == "The lamp was the brightest"
