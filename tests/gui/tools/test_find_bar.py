"""The find and replace bar in a real window over a real project file."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtTest import QTest

from tests.gui.conftest import saved_texts


def press(qtbot, window, keys: str) -> None:
    """Trigger the menu action bound to ``keys``, as the keyboard would."""
    for action in window.menuBar().findChildren(type(window.menu.move_up)):
        if QKeySequence(keys) in action.shortcuts():
            action.trigger()
            return
    raise AssertionError(f"no action for {keys}")


def test_ctrl_f_finds_counts_and_steps_through_matches(qtbot, window):
    press(qtbot, window, "Ctrl+F")
    bar = window.tools.find_bar
    assert bar.isVisible() and not bar.replace_edit.isVisible()
    QTest.keyClicks(bar.find_edit, "the")
    assert bar.message.text() == "10 found"  # "then" too
    press(qtbot, window, "F3")
    editor = window.view.editor()
    assert editor.textCursor().selectedText().lower() == "the"
    assert bar.message.text().endswith("of 10")
    first = (window.view.editing_id(), editor.textCursor().selectionStart())
    press(qtbot, window, "F3")
    press(qtbot, window, "Shift+F3")
    assert (window.view.editing_id(), window.view.editor().textCursor().selectionStart()) == first
    bar.whole_word.setChecked(True)
    assert bar.message.text() == "1 of 9"  # still on the first "The"
    bar.match_case.setChecked(True)
    assert bar.message.text() == "8 found"  # not "The" at the start
    QTest.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_replace_all_is_one_undo_step(qtbot, window, project_path):
    before = [c.text for c in window.session.cards]
    press(qtbot, window, "Ctrl+H")
    bar = window.tools.find_bar
    assert bar.replace_edit.isVisible()
    bar.find_edit.setText("the")
    bar.replace_edit.setText("a")
    bar.whole_word.setChecked(True)
    assert bar.replace_all() == 9
    assert bar.message.text() == "Replaced 9 in 3 cards"
    assert all(" the " not in c.text.lower() for c in window.session.cards)
    press(qtbot, window, "Ctrl+Z")
    assert [c.text for c in window.session.cards] == before
    window.redo()
    window.close()
    assert saved_texts(project_path)[0].startswith("a old keeper climbed a winding stairs")


def test_replace_changes_the_selected_match_only(qtbot, window):
    press(qtbot, window, "Ctrl+H")
    bar = window.tools.find_bar
    bar.find_edit.setText("sea")
    bar.replace_edit.setText("ocean")
    bar.find_next()
    bar.replace_current()
    assert window.session.cards[1].text.startswith("Below him the ocean turned grey")


def test_a_bad_regular_expression_is_said_in_the_bar(qtbot, window):
    press(qtbot, window, "Ctrl+F")
    bar = window.tools.find_bar
    bar.regex.setChecked(True)
    bar.find_edit.setText("(keeper")
    assert "Not a valid regular expression" in bar.message.text()
    bar.find_next()  # nothing to find, nothing raised
    assert bar.replace_all() == 0
    bar.find_edit.setText("kee+per")
    assert bar.message.text() == "1 found"


def test_matches_are_highlighted_in_painted_cards(qtbot, window):
    press(qtbot, window, "Ctrl+F")
    window.tools.find_bar.find_edit.setText("gulls")
    view, card_id = window.view, window.session.cards[1].id
    window.view.go_to_card(window.session.cards[0].id)  # card 1 is painted, not edited
    assert window.tools.find_bar.marks_for(card_id, window.session.cards[1].text) == [(51, 56, "find")]
    rect = view.visualRect(window.model.index_of_card(card_id))
    image = QImage(view.viewport().size(), QImage.Format.Format_RGB32)
    view.viewport().render(image)
    yellowish = sum(
        1
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom(), 2)
        if (c := image.pixelColor(x, y)).red() > 200 and c.green() > 150 and c.blue() < 120
    )
    assert yellowish > 20, "the match is painted with a highlight"
