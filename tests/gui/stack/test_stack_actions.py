"""Stacks unfurl where you write: under their own paragraph, in the column, with real clicks and keys."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import VariantKind
from cardwriter.gui.draft.card_delegate import PEEK_HEIGHT
from cardwriter.gui.draft.card_model import CardRole
from tests.gui.conftest import saved_texts

ALT = Qt.KeyboardModifier.AltModifier


def fill(qtbot, window, card_id):
    with qtbot.waitSignal(window.generation.queue.finished, timeout=20_000):
        window.generation.generate(card_id, VariantKind.REWRITE, None)
    qtbot.waitUntil(lambda: not window.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)


def peek_centre(view, card_id) -> QPoint:
    index = view.card_model().index_of_card(card_id)
    rect = view.delegate.peek_rect(view.option_for(index), index)
    assert rect.height() >= 24, "the peek is a click target at least 24 px high"
    return rect.center()


def click_peek(qtbot, window, card_id) -> None:
    window.view.scrollTo(window.model.index_of_card(card_id))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=peek_centre(window.view, card_id))
    qtbot.waitUntil(lambda: window.stacks.panel is not None and window.stacks.panel.isVisible(), timeout=3000)


def test_a_click_on_the_peek_unfurls_the_stack_under_that_card_and_esc_folds_it(qtbot, window):
    second, third = window.session.cards[1].id, window.session.cards[2].id
    fill(qtbot, window, second)
    third_top_before = window.view.visualRect(window.model.index_of_card(third)).top()
    click_peek(qtbot, window, second)
    panel, view = window.stacks.panel, window.view
    assert panel.card_id == second and view.unfurled_id() == second
    assert len(panel.cards) == 4, "all four variants on show"
    card_bottom = view.delegate.card_rect(view.option_for(view.model().index(1)), view.model().index(1)).bottom()

    def third_top() -> int:
        return view.visualRect(window.model.index_of_card(third)).top()

    qtbot.waitUntil(lambda: third_top() >= panel.geometry().bottom(), timeout=3000)
    assert card_bottom < panel.geometry().top() < card_bottom + 12, "right under its paragraph"
    assert third_top() > third_top_before + 100, "the cards below moved down"
    assert window.menu.unfurl.isChecked()

    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    assert view.unfurled_id() == "" and window.stacks.panel is None
    qtbot.waitUntil(lambda: third_top() == third_top_before, timeout=3000)
    assert not window.menu.unfurl.isChecked()


def test_only_one_stack_is_unfurled_at_a_time(qtbot, window):
    first, second = window.session.cards[0].id, window.session.cards[1].id
    fill(qtbot, window, first)
    fill(qtbot, window, second)
    click_peek(qtbot, window, first)
    click_peek(qtbot, window, second)
    assert window.view.unfurled_id() == second
    assert len([w for w in window.view.viewport().children() if w is window.stacks.panel]) == 1
    qtbot.waitUntil(lambda: window.view.findChildren(type(window.stacks.panel)) == [window.stacks.panel], timeout=3000)


def test_ctrl_space_unfurls_the_current_card_and_esc_in_the_editor_folds(qtbot, window):
    first = window.session.cards[0].id
    fill(qtbot, window, first)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.go_to_card(first)
    editor = window.view._editor
    qtbot.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert window.view.unfurled_id() == first
    qtbot.keyClick(window.view._editor, Qt.Key.Key_Escape)
    assert window.view.unfurled_id() == "", "Esc folds the stack"
    assert window.view._editor is not None, "and the paragraph stays open for writing"


def test_alt_2_accepts_the_second_variant_and_ctrl_z_brings_the_paragraph_back(qtbot, window, project_path):
    card_id = window.session.cards[0].id
    original = window.session.cards[0].text
    fill(qtbot, window, card_id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    click_peek(qtbot, window, card_id)
    panel = window.stacks.panel
    second = panel.cards[1].variant
    qtbot.keyClick(panel, Qt.Key.Key_2, ALT)
    assert window.session.card(card_id).text == second.text
    assert window.model.index_of_card(card_id).data(Qt.ItemDataRole.DisplayRole) == second.text
    assert window.stacks.panel is panel and original in [c.variant.text for c in panel.cards], (
        "still unfurled, the replaced paragraph now in the stack"
    )
    qtbot.keyClick(panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.card(card_id).text == original
    window.close()
    assert saved_texts(project_path)[0] == original


def test_left_right_move_between_variants_and_return_accepts(qtbot, window):
    card_id = window.session.cards[2].id
    fill(qtbot, window, card_id)
    click_peek(qtbot, window, card_id)
    panel = window.stacks.panel
    assert panel.current == 0 and panel.cards[0].property("current")
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.keyClick(panel, Qt.Key.Key_Left)
    assert panel.current == 1 and panel.cards[1].property("current") and not panel.cards[0].property("current")
    chosen = panel.cards[1].variant
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    assert window.session.card(card_id).text == chosen.text


def test_pin_discard_and_more_variants_work_in_place(qtbot, window):
    card_id = window.session.cards[0].id
    fill(qtbot, window, card_id)
    click_peek(qtbot, window, card_id)
    panel = window.stacks.panel
    third = panel.cards[2].variant
    qtbot.mouseClick(panel.cards[2].findChild(QToolButton, "pin"), Qt.MouseButton.LeftButton)
    assert panel.cards[0].variant.id == third.id and panel.cards[0].findChild(QToolButton, "unpin")
    doomed = panel.cards[1].variant
    qtbot.mouseClick(panel.cards[1].findChild(QToolButton, "discard"), Qt.MouseButton.LeftButton)
    assert doomed.id not in [c.variant.id for c in panel.cards] and len(panel.cards) == 3
    with qtbot.waitSignal(window.generation.queue.finished, timeout=20_000):
        qtbot.mouseClick(panel.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.session.card(card_id).stack()) == 7, timeout=5000)
    assert panel.more.isVisibleTo(panel) and len(panel.cards) == 4
    qtbot.mouseClick(panel.more, Qt.MouseButton.LeftButton)
    assert len(panel.cards) == 3 and panel.more.text() == "More (2/2)"


def test_the_new_mark_appears_when_variants_arrive_and_clears_when_unfurled(qtbot, window):
    card_id = window.session.cards[1].id

    def index() -> QModelIndex:
        return window.model.index_of_card(card_id)

    assert index().data(CardRole.NEW_COUNT) == 0
    fill(qtbot, window, card_id)
    assert index().data(CardRole.NEW_COUNT) == 4, "four new variants, not seen yet"
    click_peek(qtbot, window, card_id)
    assert index().data(CardRole.NEW_COUNT) == 0
    window.view.fold()
    assert index().data(CardRole.NEW_COUNT) == 0, "seen stays seen after folding"


def test_alt_number_without_an_unfurled_stack_changes_nothing(qtbot, window):
    card_id = window.session.cards[0].id
    fill(qtbot, window, card_id)
    text = window.session.card(card_id).text
    assert window.stacks.accept_shown(0) is False
    assert window.session.card(card_id).text == text and "Unfurl" in window.statusBar().currentMessage()


def test_a_card_without_a_stack_has_no_peek_to_click(qtbot, window):
    index = window.model.index(0)
    assert window.view.delegate.peek_rect(window.view.option_for(index), index).isNull()
    window.generation.generate(window.session.cards[0].id, VariantKind.REWRITE, None)
    assert window.view.delegate.peek_rect(window.view.option_for(index), index).height() == PEEK_HEIGHT - 1, (
        "a stack being filled peeks (with its progress) at once"
    )
