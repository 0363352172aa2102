"""The session word target: set from the Drafts menu, kept in the file, progress as the writer types."""

from __future__ import annotations

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog

from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend


def test_target_progress_updates_as_you_type_and_is_kept(qtbot, app_settings, project_path, monkeypatch):
    window = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(window)
    window.show()
    label = window.tools.target.label
    assert label.text() == ""  # no target yet
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (10, True)))
    window.menu.fill_drafts_menu()
    next(a for a in window.menu.drafts_menu.actions() if a.text() == "Set Session &Target…").trigger()
    assert label.text() == "Session: 0 / 10 words (0%)"
    window.view.insert_card_below()
    QTest.keyClicks(window.view.editor(), "one two three four")
    qtbot.waitUntil(lambda: label.text() == "Session: 4 / 10 words (40%)", timeout=2000)
    QTest.keyClicks(window.view.editor(), " five six seven eight nine ten")
    qtbot.waitUntil(lambda: label.text() == "Session: 10 / 10 words (100%) ✓", timeout=2000)
    window.close()
    with Project.open(project_path) as project:
        assert project.session_target() == 10

    again = MainWindow(app_settings, fake_backend(), project_path)  # a new session starts from zero
    qtbot.addWidget(again)
    again.show()
    assert again.tools.target.label.text() == "Session: 0 / 10 words (0%)"
    again.close()
