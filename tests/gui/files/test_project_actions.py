"""Opening projects: Recent learns of a project only once it is on screen; a project that cannot open leaves the start panel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from cardwriter.app import starting_project
from cardwriter.gui import workspace
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from cardwriter.storage.project_file import SUFFIX
from tests.gui.conftest import fake_backend


def open_window(qtbot, app_settings, path):
    win = MainWindow(app_settings, fake_backend(), path)
    qtbot.addWidget(win)
    return win


def broken_file(tmp_path) -> Path:
    broken = tmp_path / "broken.cardwriter"
    broken.write_text("not a project")
    return broken


def test_a_project_goes_into_recent_once_it_is_open(qtbot, app_settings, project_path):
    win = open_window(qtbot, app_settings, project_path)
    assert win.view is not None and win.start_panel is None
    assert app_settings.recent_projects() == [str(project_path.resolve())]
    win.close()


def test_a_project_that_cannot_open_stays_out_of_recent_and_the_start_panel_says_why(qtbot, app_settings, tmp_path):
    broken = broken_file(tmp_path)
    win = open_window(qtbot, app_settings, broken)
    assert app_settings.recent_projects() == []
    panel = win.start_panel
    assert panel is not None and win.project is None
    assert "broken.cardwriter" in panel.reason.text() and "not a Cardwriter project" in panel.reason.text()
    assert panel.new_button.isEnabled() and panel.open_button.isEnabled()
    assert broken.read_text() == "not a project"
    win.close()


def test_the_app_starts_on_the_start_panel_when_the_last_project_is_broken(qtbot, app_settings, tmp_path, project_path):
    """The broken project was in Recent from an earlier, good day: the app starts, says why, offers the others."""
    broken = broken_file(tmp_path)
    app_settings.add_recent(str(project_path.resolve()))
    app_settings.add_recent(str(broken.resolve()))  # the most recent
    win = open_window(qtbot, app_settings, starting_project(app_settings, None))
    panel = win.start_panel
    assert panel is not None and "not a Cardwriter project" in panel.reason.text()
    assert [b.toolTip() for b in panel.recent_buttons] == [str(broken.resolve()), str(project_path.resolve())]
    qtbot.mouseClick(panel.recent_buttons[1], Qt.MouseButton.LeftButton)
    assert win.project is not None and Path(win.project.path) == project_path.resolve()
    assert win.start_panel is None and win.session.cards[0].text.startswith("The old keeper")
    assert app_settings.recent_projects()[0] == str(project_path.resolve())
    win.close()


def test_a_project_whose_draft_cannot_load_is_closed_and_not_remembered(qtbot, app_settings, project_path, monkeypatch):
    class UnreadableDraft:
        def __init__(self, project, draft_id):
            raise ValueError("card 3 holds bytes, not text")

    monkeypatch.setattr(workspace, "DraftSession", UnreadableDraft)
    win = open_window(qtbot, app_settings, project_path)
    assert win.project is None and win.view is None
    assert "card 3 holds bytes, not text" in win.start_panel.reason.text()
    assert app_settings.recent_projects() == []
    win.close()


def test_a_recent_project_that_was_deleted_is_not_created_again(qtbot, app_settings, tmp_path, project_path):
    win = open_window(qtbot, app_settings, project_path)
    gone = tmp_path / "gone.cardwriter"
    assert not win.project_actions.open_path(gone)
    assert not gone.exists() and "does not exist" in win.last_warning
    assert Path(win.project.path) == project_path, "the open project stays open"
    win.close()


def test_closing_a_project_shows_the_start_panel(qtbot, app_settings, project_path):
    win = open_window(qtbot, app_settings, project_path)
    win.close_project()
    assert win.start_panel is not None and not win.start_panel.reason.isVisibleTo(win.start_panel)
    assert win.windowTitle() == "Cardwriter"
    win.close()


def test_a_first_start_creates_my_first_draft_in_documents(qtbot, app_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    path = starting_project(app_settings, None)
    assert path == tmp_path / "Documents" / "Cardwriter" / f"My first draft{SUFFIX}"
    win = open_window(qtbot, app_settings, path)
    assert path.exists() and win.session.draft.title == "My first draft"
    assert app_settings.recent_projects() == [str(path.resolve())]
    win.close()
    with Project.open(path) as project:
        assert len(project.drafts()) == 1
