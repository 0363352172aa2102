"""Opening projects: Recent learns of a project only once it is on screen; a project that cannot open leaves the start panel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from cardwriter.app import starting_project
from cardwriter.gui import workspace
from cardwriter.gui.files.project_actions import ProjectActions
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.services.recovery import RecoveryJournal
from cardwriter.storage.project import Project
from cardwriter.storage.project_file import SUFFIX
from tests.gui.conftest import fake_backend, saved_texts
from tests.gui.modal import press_when_shown


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


# -- the actions on a workspace, without a window ------------------------------------------------


def test_a_new_project_opens_in_the_workspace_and_goes_into_recent(workspace, app_settings, project_path, tmp_path):
    actions = ProjectActions(workspace)
    made = tmp_path / "second.cardwriter"
    assert actions.new_project(made)
    assert made.exists() and Path(workspace.project.path) == made.resolve()
    assert workspace.session.draft.title == "second" and workspace.view is not None
    assert app_settings.recent_projects() == [str(made.resolve())]
    assert saved_texts(project_path)[0].startswith("The old keeper"), "the first project was let go"


def test_a_project_that_cannot_open_asks_for_the_start_panel_only_when_none_is_open(workspace, app_settings, tmp_path):
    actions = ProjectActions(workspace)
    asked: list[str] = []
    actions.start_requested.connect(asked.append)
    assert not actions.open_path(tmp_path / "gone.cardwriter")
    assert asked == [] and workspace.project is not None, "the open project stays open"
    assert "gone.cardwriter" in workspace.warned[-1][1] and "does not exist" in workspace.warned[-1][1]

    workspace.close_project()
    assert not actions.open_path(broken_file(tmp_path))
    assert len(asked) == 1 and "broken.cardwriter" in asked[0] and "not a Cardwriter project" in asked[0]
    assert workspace.warned[-1] == ("Cannot open project", asked[0])
    assert app_settings.recent_projects() == []


def test_export_save_as_and_import_work_on_the_workspace(workspace, project_path, tmp_path):
    actions = ProjectActions(workspace)
    first = workspace.session.cards[0].id
    workspace.model.set_live_text(first, "Typed, not yet saved.")  # what the editor does as the writer types
    out = tmp_path / "story.md"
    assert actions.export_to(out, "md")
    assert "Typed, not yet saved." in out.read_text() and workspace.said[-1] == f"Exported to {out}"

    copy = tmp_path / "copy.cardwriter"
    assert actions.save_as(copy)
    assert Path(workspace.project.path) == copy.resolve() and workspace.session.draft.title == "Story"
    assert workspace.project.card(first).text == "Typed, not yet saved.", "the copy has the typing"

    source = tmp_path / "chapter.md"
    source.write_text("First paragraph.\n\nSecond paragraph.\n")
    assert actions.import_file(source)
    assert workspace.session.draft.title == "chapter"
    assert [c.text for c in workspace.session.cards] == ["First paragraph.", "Second paragraph."]
    assert workspace.said[-1] == "Imported chapter.md: 2 cards"


def test_note_files_go_out_together_and_the_unreadable_ones_are_named(workspace, tmp_path):
    actions = ProjectActions(workspace)
    read: list[list] = []
    actions.notes_read.connect(read.append)
    (tmp_path / "sea.md").write_text("The sea is the same everywhere.")
    (tmp_path / "lamp.txt").write_text("A lamp left burning.")
    missing = tmp_path / "missing.txt"
    assert actions.add_note_files([tmp_path / "sea.md", missing, tmp_path / "lamp.txt"]) == 2
    assert len(read) == 1, "one batch: one undoable step"
    assert [n.text for n in read[0]] == ["The sea is the same everywhere.", "A lamp left burning."]
    assert workspace.warned[-1][0] == "Some files were not added" and "missing.txt" in workspace.warned[-1][1]


def test_opening_offers_back_the_text_kept_in_the_journal_it_was_given(workspace, project_path, tmp_path):
    journal = RecoveryJournal(tmp_path / "recovery")  # not the default folder: the one passed in is used
    card_id, draft_id = workspace.session.cards[0].id, workspace.session.draft.id
    workspace.close_project()
    journal.save(project_path, {card_id: "Kept while the disk was full."}, draft_id)
    offered: list[str] = []
    press_when_shown("Restore", offered)
    assert ProjectActions(workspace, journal).open_path(project_path)
    assert any("1 card of story.cardwriter" in text for text in offered)
    assert workspace.session.card(card_id).text == "Kept while the disk was full."
    assert journal.pending(project_path) == []
    assert workspace.said[-1].startswith("Unsaved text put back: 1 card(s) restored")


def test_in_the_window_note_files_land_in_the_notes_panel_as_one_undoable_step(window, tmp_path):
    (tmp_path / "sea.md").write_text("The sea is the same everywhere.")
    (tmp_path / "lamp.txt").write_text("A lamp left burning.")
    before = len(window.notes_panel.model.all_notes())
    assert window.project_actions.add_note_files([tmp_path / "sea.md", tmp_path / "lamp.txt"]) == 2
    texts = [n.text for n in window.notes_panel.model.all_notes()]
    assert len(texts) == before + 2 and "A lamp left burning." in texts
    window.undo()
    assert len(window.notes_panel.model.all_notes()) == before
