"""Writing in the column of cards with real key presses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from cardwriter.gui.card_editor import CardEditor
from cardwriter.gui.card_model import CardListModel
from cardwriter.gui.draft_view import DraftView


@pytest.fixture
def view(qtbot, session):
    stack = QUndoStack()
    view = DraftView(CardListModel(session), stack)
    view.resize(700, 600)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.go_to_card(session.cards[0].id, 0)
    view.undo_stack_ref = stack
    return view


def editor(view) -> CardEditor:
    found = [e for e in view.findChildren(CardEditor) if e.isVisible()]
    assert len(found) == 1, "exactly one card is being edited"
    return found[0]


def disk(session):
    return [c.text for c in session.project.load_draft(session.draft.id).cards]


def test_typing_is_saved_after_a_pause_as_one_undo_step(qtbot, view, session):
    ed = editor(view)
    ed.place_cursor_at_end()
    qtbot.keyClicks(ed, " Then he rested.")
    qtbot.waitUntil(lambda: disk(session)[0].endswith("Then he rested."), timeout=3000)
    assert view.undo_stack_ref.count() == 1
    view.undo_stack_ref.undo()
    assert disk(session)[0].endswith("counting the steps aloud.")


def test_enter_splits_and_backspace_at_start_merges(qtbot, view, session):
    ed = editor(view)
    ed.place_cursor(len("The old keeper climbed the winding stairs every evening,"))
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    assert disk(session)[:2] == [
        "The old keeper climbed the winding stairs every evening,",
        " counting the steps aloud.",
    ]
    ed = editor(view)
    assert view.current_card_id() == session.cards[1].id and ed.textCursor().position() == 0
    qtbot.keyClick(ed, Qt.Key.Key_Backspace)
    assert disk(session)[0] == "The old keeper climbed the winding stairs every evening, counting the steps aloud."
    assert len(disk(session)) == 3
    assert editor(view).textCursor().position() == len("The old keeper climbed the winding stairs every evening,")


def test_shift_enter_keeps_a_line_break_inside_the_card(qtbot, view, session):
    ed = editor(view)
    ed.place_cursor_at_end()
    qtbot.keyClick(ed, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(ed, "New line.")
    view.save_typing()
    assert len(disk(session)) == 3
    assert disk(session)[0].endswith("aloud.\nNew line."), "a plain line break inside the card"


def test_arrow_keys_move_between_cards(qtbot, view, session):
    first = session.cards[0].id
    ed = editor(view)
    qtbot.keyClick(ed, Qt.Key.Key_Down)  # a one-line card: down leaves it at once
    if view.current_card_id() == first:  # the paragraph wrapped: walk to its last line
        for _ in range(5):
            qtbot.keyClick(editor(view), Qt.Key.Key_Down)
    assert view.current_card_id() == session.cards[1].id
    qtbot.keyClick(editor(view), Qt.Key.Key_Up)  # at the first line, up goes back to the card above
    assert view.current_card_id() == first


def test_the_editor_grows_as_a_six_line_paragraph_is_typed(qtbot, view, session):
    ed = editor(view)
    ed.selectAll()
    qtbot.keyClick(ed, Qt.Key.Key_Delete)
    heights = []
    for n in range(6):
        if n:
            qtbot.keyClick(ed, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(ed, f"Line {n + 1} of the keeper's paragraph.")
        needed = ed.needed_height()
        qtbot.waitUntil(lambda needed=needed: ed.height() >= needed, timeout=2000)  # every line on show while typing
        heights.append(ed.height())
        assert ed.verticalScrollBar().value() == 0, "nothing scrolled out of sight"
    assert heights == sorted(heights) and heights[-1] >= 6 * ed.fontMetrics().lineSpacing()
    row = view.card_model().index(0)
    below = view.card_model().index(1)
    assert view.visualRect(below).top() >= view.visualRect(row).top() + heights[-1], "the card below moved down"


def test_a_long_wrapping_line_grows_the_editor_too(qtbot, view):
    ed = editor(view)
    ed.place_cursor_at_end()
    start = ed.height()
    qtbot.keyClicks(ed, " and the wind kept on testing the windows of the lamp room" * 6)
    qtbot.waitUntil(lambda: ed.height() >= ed.needed_height() > start, timeout=2000)
