"""Stacks unfurl where you write: under their own paragraph, in the column, with real clicks and keys."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.generation.prompts import ANGLES
from cardwriter.gui.draft.card_delegate import PEEK_HEIGHT
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.stack.stack_actions import StackActions
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
    assert panel.cards[2].variant.id == third.id and panel.cards[2].findChild(QToolButton, "unpin"), "pinned in place"
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


# -- the stack actions on a workspace, without a window ---------------------------------


def make_stacks(workspace, generation, closeness=None) -> tuple[StackActions, list[bool]]:
    """Stack actions on the workspace, and what they said about the Unfurl Stack item (checked or not)."""
    stacks = StackActions(workspace, generation, list(ANGLES), closeness)
    unfurled: list[bool] = []
    stacks.unfurled_changed.connect(unfurled.append)
    return stacks, unfurled


def show(qtbot, view) -> None:
    view.resize(1000, 900)
    view.show()
    qtbot.waitExposed(view)


def fill_card(qtbot, workspace, generation, card_id) -> None:
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        assert generation.generate(card_id, VariantKind.REWRITE, None)
    qtbot.waitUntil(lambda: not workspace.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)


def click_peek_of(qtbot, stacks, view, card_id) -> None:
    view.scrollTo(view.card_model().index_of_card(card_id))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=peek_centre(view, card_id))
    qtbot.waitUntil(lambda: stacks.panel is not None and stacks.panel.isVisible(), timeout=3000)


def test_without_a_window_a_click_on_a_peek_unfurls_the_stack_right_under_its_card(qtbot, workspace, generation):
    stacks, unfurled = make_stacks(workspace, generation)
    view, second = workspace.view, workspace.session.cards[1].id
    show(qtbot, view)
    fill_card(qtbot, workspace, generation, second)
    click_peek_of(qtbot, stacks, view, second)
    panel = stacks.panel
    assert panel.card_id == second and view.unfurled_id() == second and len(panel.cards) == 4
    index = view.card_model().index_of_card(second)
    card_bottom = view.delegate.card_rect(view.option_for(index), index).bottom()
    assert card_bottom < panel.geometry().top() < card_bottom + 12, "right under its paragraph"
    assert unfurled == [True]
    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    assert view.unfurled_id() == "" and stacks.panel is None and unfurled == [True, False]


def test_without_a_window_accepting_a_variant_changes_the_card_and_undo_brings_it_back(qtbot, workspace, generation):
    stacks, _ = make_stacks(workspace, generation)
    card_id = workspace.session.cards[0].id
    original = workspace.session.card(card_id).text
    fill_card(qtbot, workspace, generation, card_id)
    stacks.unfurl(card_id)
    chosen = stacks.panel.cards[1].variant
    assert stacks.accept_shown(1)
    assert workspace.session.card(card_id).text == chosen.text
    assert workspace.model.index_of_card(card_id).data(Qt.ItemDataRole.DisplayRole) == chosen.text
    assert original in [c.variant.text for c in stacks.panel.cards], "the replaced paragraph is in the stack now"
    assert workspace.undo_stack.count() == 1
    workspace.undo()
    assert workspace.session.card(card_id).text == original
    workspace.redo()
    assert workspace.session.card(card_id).text == chosen.text


def test_without_a_window_variants_arriving_for_the_unfurled_stack_show_at_once(qtbot, workspace, generation):
    stacks, _ = make_stacks(workspace, generation)
    show(qtbot, workspace.view)
    card_id = workspace.session.cards[2].id
    stacks.unfurl(card_id)
    assert stacks.panel.cards == [] and stacks.panel.generate.isVisible()
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        qtbot.mouseClick(stacks.panel.generate, Qt.MouseButton.LeftButton)  # "More variants"
    qtbot.waitUntil(lambda: len(stacks.panel.cards) == 4, timeout=5000)
    assert workspace.model.index_of_card(card_id).data(CardRole.NEW_COUNT) == 0, "seen while unfurled"


def test_without_a_window_each_variant_shows_the_closeness_it_was_given(qtbot, workspace, generation):
    asked: list[list[str]] = []

    def closeness(texts: list[str]) -> list[float | None]:
        asked.append(texts)
        return [0.62] * len(texts)

    stacks, _ = make_stacks(workspace, generation, closeness)
    card_id = workspace.session.cards[0].id
    fill_card(qtbot, workspace, generation, card_id)
    stacks.unfurl(card_id)
    cards = stacks.panel.cards
    assert asked[-1] == [c.variant.text for c in cards]
    assert all(c.closeness == 0.62 and "0.62" in c.voice.shown_text() for c in cards)


def test_without_a_window_a_newly_shown_draft_unfurls_too(qtbot, workspace, generation):
    stacks, unfurled = make_stacks(workspace, generation)
    second = draft_from_text("Second", "The tide came in over the causeway while the village slept on.")
    workspace.project.add_draft(second)
    workspace.show_draft(second.id)
    qtbot.addWidget(workspace.view)
    show(qtbot, workspace.view)
    card_id = workspace.session.cards[0].id
    fill_card(qtbot, workspace, generation, card_id)
    click_peek_of(qtbot, stacks, workspace.view, card_id)
    assert stacks.panel.card_id == card_id and unfurled == [True]


def test_without_a_window_alt_number_without_an_unfurled_stack_says_how(qtbot, workspace, generation):
    stacks, _ = make_stacks(workspace, generation)
    text = workspace.session.cards[0].text
    assert stacks.accept_shown(0) is False
    assert workspace.session.cards[0].text == text and any("Unfurl" in said for said in workspace.said)


def test_without_a_window_show_changes_is_remembered(qtbot, workspace, generation, app_settings):
    stacks, _ = make_stacks(workspace, generation)
    stacks.unfurl(workspace.session.cards[0].id)
    on = workspace.prefs.show_changes
    stacks.panel.show_changes_toggled.emit(not on)
    assert workspace.prefs.show_changes is (not on) and app_settings.preferences().show_changes is (not on)
