"""Backups from the window: Back Up Now, every few minutes while the project changes, on close; settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

from cardwriter.gui.common.app_settings import AppSettings
from cardwriter.gui.files.backup_actions import BackupActions
from cardwriter.gui.settings.settings_dialog import SettingsDialog
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.services.backup import backups, default_backup_folder
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend
from tests.gui.full_disk import type_at_end


def menu_action(win: MainWindow, text: str) -> QAction:
    found = [a for a in win.menuBar().findChildren(QAction) if a.text() == text]
    assert len(found) == 1, text
    return found[0]


def texts_in(backup: Path) -> list[str]:
    with Project.open(backup) as project:
        return [c.text for c in project.load_draft(project.drafts()[0].id).cards]


def test_back_up_now_writes_a_backup_with_the_latest_typing(qtbot, window, project_path):
    type_at_end(qtbot, window, " Typed just now.")
    menu_action(window, "&Back Up Now").trigger()  # before the pause in typing has saved it
    made = backups(project_path)
    assert len(made) == 1 and made[0].parent == default_backup_folder(project_path)
    assert texts_in(made[0])[0].endswith("Typed just now.")
    assert str(made[0]) in window.statusBar().currentMessage()


def test_a_failed_backup_is_a_warning_and_writing_goes_on(qtbot, window, project_path):
    folder = default_backup_folder(project_path)
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the backup folder belongs")
    assert window.backups.back_up_now() is None
    assert "cannot make the backups folder" in window.last_warning
    type_at_end(qtbot, window, " Still writing.")
    assert window.save_typing() and window.session.cards[0].text.endswith("Still writing.")


def test_the_timer_backs_up_while_the_project_changes_and_keeps_k(qtbot, window, project_path):
    prefs = dataclasses.replace(window.prefs, backup_minutes=1, backups_kept=2)
    window.apply_preferences(prefs)
    assert window.backups.timer.isActive() and window.backups.timer.interval() == 60_000
    window.backups.timer.setInterval(30)  # the same timer, faster
    for n in range(3):
        type_at_end(qtbot, window, f" Change {n}.")
        qtbot.waitUntil(
            lambda n=n: bool(backups(project_path)) and texts_in(backups(project_path)[0])[0].endswith(f"Change {n}."),
            timeout=5000,
        )
    assert len(backups(project_path)) == 2, "rotation keeps the newest two"
    newest = backups(project_path)[0]
    qtbot.wait(150)  # several more ticks with nothing changed: no new backups
    assert backups(project_path)[0] == newest
    window.apply_preferences(dataclasses.replace(prefs, backup_minutes=0))
    assert not window.backups.timer.isActive(), "0 minutes: never"


def test_closing_backs_up_a_changed_project(qtbot, window, project_path):
    type_at_end(qtbot, window, " Last words.")
    window.close()
    made = backups(project_path)
    assert len(made) == 1 and texts_in(made[0])[0].endswith("Last words.")


def test_closing_an_unchanged_project_keeps_the_older_backups(qtbot, app_settings, project_path):
    win = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(win)
    first = win.backups.back_up_now()
    win.close()
    again = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(again)
    again.close()
    assert backups(project_path) == [first]


def test_backup_settings_in_the_dialog_persist(qtbot, tmp_path):
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = SettingsDialog(settings.preferences(), ["balanced"])
    qtbot.addWidget(dialog)
    assert dialog.backup_minutes.value() == 10 and dialog.backups_kept.value() == 10
    dialog.backup_minutes.setValue(0)
    assert dialog.backup_minutes.text() == "Never"
    dialog.backups_kept.setValue(3)
    settings.save_preferences(dialog.preferences(settings.preferences()))
    prefs = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).preferences()
    assert (prefs.backup_minutes, prefs.backups_kept) == (0, 3)


def test_open_backup_folder_makes_the_folder(qtbot, window, project_path, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "cardwriter.gui.files.backup_actions.QDesktopServices.openUrl", lambda url: opened.append(url) or True
    )
    menu_action(window, "Open Bac&kup Folder").trigger()
    assert default_backup_folder(project_path).is_dir()
    assert [u.toLocalFile() for u in opened] == [str(default_backup_folder(project_path))]


# -- backups on a workspace, without a window -----------------------------------------------------


def type_into(workspace, text: str) -> None:
    """What the editor does as the writer types at the end of the first card (saved at the next pause)."""
    card = workspace.session.cards[0]
    workspace.model.set_live_text(card.id, card.text + text)


def test_back_up_now_on_a_workspace_writes_the_typing_and_says_where(workspace, project_path):
    actions = BackupActions(workspace)
    type_into(workspace, " Typed just now.")
    made = actions.back_up_now()
    assert backups(project_path) == [made] and texts_in(made)[0].endswith("Typed just now.")
    assert workspace.said[-1] == f"Backed up to {made}" and workspace.warned == []


def test_closing_the_project_in_the_workspace_backs_it_up(workspace, project_path):
    BackupActions(workspace)
    type_into(workspace, " Last words.")
    workspace.close_project()
    made = backups(project_path)
    assert len(made) == 1 and texts_in(made[0])[0].endswith("Last words.")


def test_new_preferences_start_and_stop_the_backups(qtbot, workspace, project_path):
    actions = BackupActions(workspace)
    workspace.set_preferences(dataclasses.replace(workspace.prefs, backup_minutes=0))
    assert not actions.timer.isActive(), "0 minutes: never"
    workspace.set_preferences(dataclasses.replace(workspace.prefs, backup_minutes=3))
    assert actions.timer.isActive() and actions.timer.interval() == 3 * 60_000
    actions.timer.setInterval(30)  # the same timer, faster
    type_into(workspace, " Change.")
    qtbot.waitUntil(lambda: bool(backups(project_path)), timeout=5000)
    assert texts_in(backups(project_path)[0])[0].endswith("Change.")


def test_a_failed_automatic_backup_is_said_and_a_requested_one_warns(workspace, project_path):
    actions = BackupActions(workspace)
    folder = default_backup_folder(project_path)
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the backup folder belongs")
    type_into(workspace, " Still writing.")
    assert actions.back_up_if_changed() is None
    assert workspace.said[-1].startswith("Automatic backup failed") and workspace.warned == []
    assert actions.back_up_now() is None
    assert workspace.warned[-1][0] == "Backup failed" and "cannot make the backups folder" in workspace.warned[-1][1]
    assert workspace.session.cards[0].text.endswith("Still writing."), "writing goes on"
