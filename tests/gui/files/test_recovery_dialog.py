"""Opening a project offers back the text that could not be saved last time, and mentions repaired texts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cardwriter.gui.files.recovery_dialog import preview
from cardwriter.gui.files.save_guard import KEEP_AND_QUIT
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.services.recovery import RecoveryJournal
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend, saved_texts
from tests.gui.full_disk import TYPED, type_at_end
from tests.gui.modal import press_when_shown
from tests.tmpfs import fill, free

UNSAVED = "A paragraph typed while the disk was full, kept in the recovery file."


def open_window(qtbot, app_settings, path: Path) -> MainWindow:
    win = MainWindow(app_settings, fake_backend(), path)
    qtbot.addWidget(win)
    return win


def first_card(path: Path) -> tuple[str, str]:
    with Project.open(path) as project:
        draft_id = project.drafts()[0].id
        return project.card_ids(draft_id)[0], draft_id


def test_text_kept_at_quit_is_offered_by_the_next_window_and_restored(qtbot, app_settings, disk, disk_window):
    win = disk_window
    path, card_id = Path(win.project.path), win.session.cards[0].id
    expected = win.session.cards[0].text + TYPED
    filler = fill(disk)
    type_at_end(qtbot, win, TYPED)
    qtbot.waitUntil(win.save_guard.banner.isVisible, timeout=5000)

    asked: list[str] = []
    press_when_shown(KEEP_AND_QUIT, asked)
    win.close()
    assert win.project is None, "keep and quit closed the project"
    assert any(str(RecoveryJournal().file_for(path)) in text for text in asked)
    free(filler)
    assert [e.text for e in RecoveryJournal().pending(path)] == [expected]

    offered: list[str] = []
    press_when_shown("Restore", offered)
    again = open_window(qtbot, app_settings, path)
    assert any("1 card of story.cardwriter" in text for text in offered)
    assert any(text.startswith(preview(expected)) for text in offered)
    assert again.session.card(card_id).text == expected
    assert RecoveryJournal().pending(path) == []
    assert "Unsaved text put back: 1 card(s) restored" in again.statusBar().currentMessage()
    again.close()
    assert saved_texts(path)[0] == expected


def test_discard_forgets_the_unsaved_text(qtbot, app_settings, project_path):
    card_id, draft_id = first_card(project_path)
    before = saved_texts(project_path)
    RecoveryJournal().save(project_path, {card_id: UNSAVED}, draft_id)
    press_when_shown("Discard")
    win = open_window(qtbot, app_settings, project_path)
    assert win.session.card(card_id).text == before[0]
    assert RecoveryJournal().pending(project_path) == []
    win.close()
    assert saved_texts(project_path) == before


def test_deciding_later_keeps_the_recovery_file_for_next_time(qtbot, app_settings, project_path):
    card_id, draft_id = first_card(project_path)
    RecoveryJournal().save(project_path, {card_id: UNSAVED}, draft_id)
    press_when_shown("Decide Later")
    win = open_window(qtbot, app_settings, project_path)
    assert win.session.card(card_id).text != UNSAVED
    assert "offered again" in win.statusBar().currentMessage()
    win.close()
    assert [e.text for e in RecoveryJournal().pending(project_path)] == [UNSAVED]


def test_text_of_a_deleted_card_comes_back_as_a_new_card_at_the_end(qtbot, app_settings, project_path):
    _, draft_id = first_card(project_path)
    RecoveryJournal().save(project_path, {"a-card-deleted-since": UNSAVED}, draft_id)
    press_when_shown("Restore")
    win = open_window(qtbot, app_settings, project_path)
    assert win.session.cards[-1].text == UNSAVED and len(win.session.cards) == 4
    assert "1 added at the end" in win.statusBar().currentMessage()
    win.close()


def test_a_damaged_recovery_file_is_named_and_left_in_place(qtbot, app_settings, project_path):
    recovery = RecoveryJournal().file_for(project_path)
    recovery.parent.mkdir(parents=True)
    recovery.write_text("{ damaged")
    win = open_window(qtbot, app_settings, project_path)
    assert win.project is not None, "the project still opens"
    assert "damaged" in win.last_warning and str(recovery) in win.last_warning
    assert recovery.read_text() == "{ damaged"
    win.close()


def test_repaired_texts_get_a_one_line_notice(qtbot, app_settings, project_path):
    with sqlite3.connect(project_path) as db:  # bytes where text belongs, as an older tool might write
        db.execute("UPDATE cards SET text = CAST(? AS BLOB) WHERE position = 0", (b"Bytes, not text.",))
    db.close()
    win = open_window(qtbot, app_settings, project_path)
    notice = win.statusBar().currentMessage()
    assert "1 damaged text was repaired" in notice and "binary data" in notice and "\n" not in notice
    assert win.session.cards[0].text == "Bytes, not text."
    win.close()


def test_a_clean_project_opens_without_notice_or_dialog(qtbot, app_settings, project_path):
    win = open_window(qtbot, app_settings, project_path)
    assert win.statusBar().currentMessage() == "" and win.last_warning == ""
    win.close()
