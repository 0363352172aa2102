"""A save that fails on a real full disk: nothing typed is lost, the writer is told, and it saves once it can.

The project lives on a real 2 MB tmpfs, filled to the last byte; the text is
typed into the real window with the keyboard.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from cardwriter.domain.model import VariantKind
from cardwriter.services.recovery import RecoveryJournal
from tests.tmpfs import fill, free

from .conftest import saved_texts
from .full_disk import TYPED, type_at_end
from .test_main_window import editing


def shown_text(win, card_id: str) -> str:
    return win.model.index_of_card(card_id).data(Qt.ItemDataRole.DisplayRole)


def test_typing_on_a_full_disk_is_kept_shown_in_the_recovery_file_and_saved_once_there_is_room(
    qtbot, disk, disk_window
):
    win, path = disk_window, Path(disk_window.project.path)
    first, second = win.session.cards[0].id, win.session.cards[1].id
    expected = win.session.cards[0].text + TYPED
    filler = fill(disk)

    type_at_end(qtbot, win, TYPED)
    banner = win.save_guard.banner
    qtbot.waitUntil(banner.isVisible, timeout=5000)  # the save after the pause in typing failed
    assert "disk is full" in banner.message() and str(path) in banner.message()
    assert banner.try_again.isVisible()
    assert editing(win).toPlainText() == expected and shown_text(win, first) == expected
    assert [(e.card_id, e.text) for e in RecoveryJournal().pending(path)] == [(first, expected)]

    qtbot.mouseClick(banner.try_again, Qt.MouseButton.LeftButton)  # still full: still failing, still kept
    assert banner.isVisible() and shown_text(win, first) == expected
    win.view.go_to_card(second)  # leaving the card (the way to lose it) keeps it too
    assert shown_text(win, first) == expected and win.session.cards[0].text != expected

    free(filler)
    qtbot.waitUntil(banner.isHidden, timeout=5000)  # the retry every few seconds saved it
    assert win.session.cards[0].text == expected and shown_text(win, first) == expected
    assert RecoveryJournal().pending(path) == []
    assert "Saved" in win.statusBar().currentMessage()
    win.close()
    assert saved_texts(path)[0] == expected


def test_structural_edits_on_a_full_disk_are_refused_and_leave_model_and_file_agreeing(qtbot, disk, disk_window):
    win = disk_window
    before = [c.text for c in win.session.cards]
    ids = [c.id for c in win.session.cards]
    win.view.go_to_card(ids[1], 5)
    filler = fill(disk)

    win.view.split_current(5)
    assert (
        "Split card was not done" in win.save_guard.banner.message()
        and "disk is full" in win.save_guard.banner.message()
    )
    assert not win.save_guard.banner.try_again.isVisible(), "nothing typed waits: the banner can be dismissed"
    win.view.go_to_card(ids[1])
    win.view.merge_current()
    win.view.delete_current()
    win.view.move_current(1)
    win.view.insert_card_below()
    for check in (
        lambda: [win.model.card_at(r).text for r in range(win.model.rowCount())],
        lambda: [c.text for c in win.project.load_draft(win.session.draft.id).cards],
    ):
        assert check() == before, "the model and the file both still hold the draft as it was"
    assert win.undo_stack.count() == 0, "refused steps are not on the undo stack"
    assert win.view.current_card_id() == ids[1]

    qtbot.mouseClick(win.save_guard.banner.dismiss, Qt.MouseButton.LeftButton)
    assert win.save_guard.banner.isHidden()
    free(filler)
    win.view.go_to_card(ids[1], 5)
    win.view.split_current(5)
    assert win.model.rowCount() == 4 and win.undo_stack.count() == 1


def test_an_undo_that_cannot_be_saved_stays_undoable(qtbot, disk, disk_window):
    win = disk_window
    original = win.session.cards[0].text
    type_at_end(qtbot, win, TYPED)
    assert win.save_typing() and win.undo_stack.count() == 1
    filler = fill(disk)

    win.undo()
    assert "Typing could not be undone" in win.save_guard.banner.message()
    assert win.undo_stack.index() == 1, "the failed undo is still there to undo"
    assert win.session.cards[0].text == original + TYPED
    assert win.project.card(win.session.cards[0].id).text == original + TYPED

    free(filler)
    win.undo()
    assert win.undo_stack.index() == 0 and win.session.cards[0].text == original
    assert editing(win).toPlainText() == original
    win.redo()
    assert win.session.cards[0].text == original + TYPED


def test_accepting_a_variant_on_a_full_disk_is_refused(qtbot, disk, disk_window):
    win = disk_window
    card_id = win.session.cards[0].id
    with qtbot.waitSignal(win.generation.queue.finished, timeout=20_000):
        win.generation.generate(card_id, VariantKind.REWRITE, None)
    win.view.go_to_card(card_id)
    before = win.session.card(card_id).text
    variant = win.session.card(card_id).stack()[0]
    win.stacks.unfurl(card_id)
    filler = fill(disk)
    win.stacks.panel.accept_requested.emit(card_id, variant.id)
    assert "Accept variant was not done" in win.save_guard.banner.message()
    assert win.session.card(card_id).text == before == win.project.card(card_id).text
    assert win.undo_stack.count() == 0
    free(filler)
    win.stacks.panel.accept_requested.emit(card_id, variant.id)
    assert win.session.card(card_id).text == variant.text == win.project.card(card_id).text


def test_closing_with_unsaved_text_asks_and_cancel_keeps_the_window(qtbot, disk, disk_window):
    from .modal import press_when_shown

    win = disk_window
    fill(disk)
    type_at_end(qtbot, win, TYPED)
    qtbot.waitUntil(win.save_guard.banner.isVisible, timeout=5000)
    seen: list[str] = []
    press_when_shown("Cancel", seen)
    win.close()
    assert win.isVisible() and win.project is not None, "Cancel keeps the window and the text"
    assert any("recovery file" in text for text in seen) and any("disk is full" in text for text in seen)
