"""A save that fails on a real full disk: nothing typed is lost, the writer is told, and it saves once it can.

The project lives on a real 2 MB tmpfs, filled to the last byte; the text is
typed into the real window with the keyboard.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from cardwriter.domain.model import VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.files.save_guard import KEEP_AND_QUIT, SaveGuard
from cardwriter.gui.workspace import Workspace
from cardwriter.services.projects import Project
from cardwriter.services.recovery import RecoveryJournal
from tests.gui.conftest import TEXT, saved_texts
from tests.gui.full_disk import TYPED, type_at_end
from tests.gui.shell.test_main_window import editing
from tests.tmpfs import fill, free

TEXT_CARDS = TEXT.strip().split("\n\n")


def shown_text(win, card_id: str) -> str:
    return win.model.index_of_card(card_id).data(Qt.ItemDataRole.DisplayRole)


def saved_cards(win) -> list[str]:
    """The draft as the project file holds it now."""
    return [c.text for c in win.project.load_draft(win.session.draft.id).cards]


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
    assert shown_text(win, first) == expected and win.project.card(first).text != expected  # not in the file yet

    free(filler)
    qtbot.waitUntil(banner.isHidden, timeout=5000)  # the retry every few seconds saved it
    assert win.project.card(first).text == expected and shown_text(win, first) == expected
    assert RecoveryJournal().pending(path) == []
    assert "Saved" in win.statusBar().currentMessage()
    win.close()
    assert saved_texts(path)[0] == expected


def test_enter_on_a_full_disk_makes_new_cards_kept_in_the_recovery_file_and_saved_once_there_is_room(
    qtbot, disk, disk_window
):
    """The writer types a paragraph, presses Enter, types the next, Enter, and the next, with the disk full."""
    win, path = disk_window, Path(disk_window.project.path)
    last = win.session.cards[-1]
    win.view.go_to_card(last.id, -1)
    filler = fill(disk)

    typed = [" The wind dropped.", "Then the rain came, soft at first.", "By morning the sea was calm again."]
    qtbot.keyClicks(editing(win), typed[0])
    qtbot.keyClick(editing(win), Qt.Key.Key_Return)
    qtbot.keyClicks(editing(win), typed[1])
    qtbot.keyClick(editing(win), Qt.Key.Key_Return)
    qtbot.keyClicks(editing(win), typed[2])
    expected = [*TEXT_CARDS[:-1], TEXT_CARDS[-1] + typed[0], typed[1], typed[2]]
    shown = [win.model.card_at(r).text for r in range(win.model.rowCount())]
    assert shown[:-1] == expected[:-1] and editing(win).toPlainText() == typed[2]
    assert "disk is full" in win.save_guard.banner.message() and win.save_guard.banner.try_again.isVisible()
    assert saved_cards(win) == TEXT_CARDS, "nothing reached the full disk"
    win.save_typing()  # what a pause does: the last card's text too is kept (in memory and the recovery file)
    kept = {e.card_id: e.text for e in RecoveryJournal().pending(path)}
    order = RecoveryJournal().shapes(path)[win.session.draft.id].order
    assert [kept.get(card_id) for card_id in order[-3:]] == expected[-3:]

    free(filler)
    qtbot.waitUntil(win.save_guard.banner.isHidden, timeout=5000)  # the retry saved it all
    assert saved_cards(win) == expected
    assert RecoveryJournal().pending(path) == [] and RecoveryJournal().shapes(path) == {}
    win.close()
    assert saved_texts(path) == expected


def test_merge_delete_move_and_their_undo_on_a_full_disk_are_kept_and_saved_once_there_is_room(
    qtbot, disk, disk_window
):
    win = disk_window
    ids = [c.id for c in win.session.cards]
    filler = fill(disk)

    win.view.go_to_card(ids[1], 0)
    qtbot.keyClick(editing(win), Qt.Key.Key_Backspace)  # merge the second card into the first
    assert [c.id for c in win.session.cards] == [ids[0], ids[2]]
    assert win.session.cards[0].text == TEXT_CARDS[0] + TEXT_CARDS[1]
    win.view.go_to_card(ids[2])
    win.view.move_current(-1)  # the last card goes first
    win.view.insert_card_below()
    qtbot.keyClicks(editing(win), "A new card.")
    win.view.delete_current()
    win.undo()  # the new card comes back...
    win.undo()  # ...and the typing in it is undone
    shown = [win.model.card_at(r).text for r in range(win.model.rowCount())]
    assert shown == [TEXT_CARDS[2], "", TEXT_CARDS[0] + TEXT_CARDS[1]]
    assert saved_cards(win) == TEXT_CARDS and "disk is full" in win.save_guard.banner.message()

    free(filler)
    qtbot.waitUntil(win.save_guard.banner.isHidden, timeout=5000)
    assert saved_cards(win) == shown
    win.undo()  # with room again: undoing goes on where it was
    win.undo()
    win.undo()
    assert saved_cards(win) == TEXT_CARDS


def test_an_undo_that_cannot_be_saved_stays_undoable(qtbot, disk, disk_window):
    win = disk_window
    card_id = win.session.cards[0].id
    with qtbot.waitSignal(win.generation.queue.finished, timeout=20_000):
        win.generation.generate(card_id, VariantKind.REWRITE, None)
    original, variant = win.session.card(card_id).text, win.session.card(card_id).stack()[0]
    win.workspace.push(undo_commands.accept(win.model, card_id, variant.id))
    assert win.project.card(card_id).text == variant.text and win.undo_stack.count() == 1
    filler = fill(disk)

    win.undo()
    assert "Accept variant could not be undone" in win.save_guard.banner.message()
    assert win.undo_stack.index() == 1, "the failed undo is still there to undo"
    assert win.session.card(card_id).text == variant.text == win.project.card(card_id).text

    free(filler)
    win.undo()
    assert win.undo_stack.index() == 0 and win.session.card(card_id).text == original
    assert win.project.card(card_id).text == original
    win.redo()
    assert win.project.card(card_id).text == variant.text


def test_undoing_typing_on_a_full_disk_is_kept_and_saved_once_there_is_room(qtbot, disk, disk_window):
    win = disk_window
    original = win.session.cards[0].text
    type_at_end(qtbot, win, TYPED)
    assert win.save_typing() and win.undo_stack.count() == 1
    filler = fill(disk)

    win.undo()
    assert win.undo_stack.index() == 0 and editing(win).toPlainText() == original
    assert win.project.card(win.session.cards[0].id).text == original + TYPED, "not in the file yet"
    free(filler)
    qtbot.waitUntil(win.save_guard.banner.isHidden, timeout=5000)
    assert win.project.card(win.session.cards[0].id).text == original


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
    from tests.gui.modal import press_when_shown

    win = disk_window
    fill(disk)
    type_at_end(qtbot, win, TYPED)
    qtbot.waitUntil(win.save_guard.banner.isVisible, timeout=5000)
    seen: list[str] = []
    press_when_shown("Cancel", seen)
    win.close()
    assert win.isVisible() and win.project is not None, "Cancel keeps the window and the text"
    assert any("recovery file" in text for text in seen) and any("disk is full" in text for text in seen)


# -- the guard on a workspace, without a window -------------------------------------------------


@pytest.fixture
def guarded(qtbot, app_settings, disk):
    """A workspace with a save guard, showing a project on the small disk; no window."""
    path = disk / "story.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Story", TEXT))
    ws = Workspace(app_settings)
    ws.said = []
    ws.message.connect(lambda text, ms: ws.said.append(text))
    central = QWidget()
    guard = SaveGuard(ws, central, retry_ms=100)  # retry quickly (the app waits a few seconds)
    qtbot.addWidget(guard.widget)
    ws.open_project(Project.open(path))  # the guard follows each draft the workspace shows
    try:
        yield ws, guard, central
    finally:
        for filler in disk.glob("filler*"):
            filler.unlink()
        ws.close_project()


def type_into(ws: Workspace, text: str) -> str:
    """Type at the end of the first card (as the editor does) and save at the pause; the text typed."""
    card = ws.session.cards[0]
    typed = card.text + text
    ws.model.set_live_text(card.id, typed)
    ws.save_typing()
    return typed


def test_a_failed_save_shows_the_banner_over_the_draft_keeps_the_text_and_saves_once_there_is_room(
    qtbot, disk, guarded
):
    ws, guard, central = guarded
    path, card_id = Path(ws.project.path), ws.session.cards[0].id
    assert central.parent() is guard.widget and guard.banner.parent() is guard.widget and guard.banner.isHidden()
    filler = fill(disk)

    expected = type_into(ws, TYPED)
    assert "disk is full" in guard.banner.message() and guard.banner.try_again.isVisibleTo(guard.widget)
    assert [(e.card_id, e.text) for e in RecoveryJournal().pending(path)] == [(card_id, expected)]
    assert ws.project.card(card_id).text != expected, "not in the file yet"

    free(filler)
    qtbot.waitUntil(guard.banner.isHidden, timeout=5000)  # the retry saved it
    assert ws.project.card(card_id).text == expected and RecoveryJournal().pending(path) == []
    assert ws.said[-1] == "Saved: all your text is in the project file again."


def test_the_guard_follows_the_next_draft_shown(qtbot, disk, guarded):
    ws, guard, _ = guarded
    second = draft_from_text("Second", "Another start.")
    ws.project.add_draft(second)
    ws.show_draft(second.id)
    filler = fill(disk)
    expected = type_into(ws, TYPED)
    assert "disk is full" in guard.banner.message()
    assert [e.text for e in RecoveryJournal().pending(Path(ws.project.path))] == [expected]
    free(filler)
    qtbot.waitUntil(guard.banner.isHidden, timeout=5000)
    assert ws.project.card(ws.session.cards[0].id).text == expected


def test_closing_the_project_takes_the_banner_down_and_leaves_the_text_in_the_recovery_file(qtbot, disk, guarded):
    ws, guard, _ = guarded
    path = Path(ws.project.path)
    filler = fill(disk)
    expected = type_into(ws, TYPED)
    assert guard.banner.isVisibleTo(guard.widget) and guard.timer.isActive()
    ws.close_project()
    assert guard.banner.isHidden() and not guard.timer.isActive(), "no failure shown over the start panel"
    free(filler)
    assert [e.text for e in RecoveryJournal().pending(path)] == [expected]


def test_closing_with_unsaved_text_asks_over_the_dialog_parent_and_names_the_recovery_file(qtbot, disk, guarded):
    from tests.gui.modal import press_when_shown

    ws, guard, _ = guarded
    ws.dialog_parent = QWidget()
    qtbot.addWidget(ws.dialog_parent)
    fill(disk)
    type_into(ws, TYPED)
    seen: list[str] = []
    over: list[QWidget | None] = []

    def note_parent() -> None:  # polls like press_when_shown, and before it
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, note_parent)
        else:
            over.append(box.parentWidget())

    QTimer.singleShot(0, note_parent)
    press_when_shown("Cancel", seen)
    assert not guard.confirm_close(), "Cancel: stay"
    assert any(str(RecoveryJournal().file_for(Path(ws.project.path))) in text for text in seen)
    assert over == [ws.dialog_parent]
    press_when_shown(KEEP_AND_QUIT)
    assert guard.confirm_close(), "keep the text in the recovery file and quit"
