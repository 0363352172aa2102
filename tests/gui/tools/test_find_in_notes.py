"""Find and replace with "Include notes": in a real window over a real project file with notes."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import Note
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend, saved_texts
from tests.gui.tools.test_find_bar import press

NOTES = [
    Note("The sea, the sea: Murdoch's title.", source="Iris Murdoch"),
    Note("A gull on the rail, watching."),
    Note("Salt on everything, even the sea wind."),
]


@pytest.fixture
def window(qtbot, app_settings, project_path):
    with Project.open(project_path) as project:
        project.add_notes(NOTES)
    win = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.status.model_state() == "ready", timeout=10_000)
    yield win
    win.close()


def saved_notes(path) -> dict[str, str]:
    with Project.open(path) as project:
        return {n.id: n.text for n in project.notes()}


def panel(window):
    return window.note_actions.panel


def selected_note(window) -> str:
    ids = panel(window).selected_ids()
    return ids[0] if len(ids) == 1 else ""


def test_matches_in_notes_are_counted_and_stepped_through_after_the_draft(qtbot, window):
    press(qtbot, window, "Ctrl+F")
    bar = window.tools.find_bar
    bar.find_edit.setText("sea")
    assert bar.message.text() == "1 found", "the draft alone: 'the sea turned grey'"
    bar.include_notes.setChecked(True)
    assert bar.message.text() == "4 found (3 in notes)"
    window.note_actions.dock.hide()  # the writer had collapsed the notes
    press(qtbot, window, "F3")
    assert bar.message.text() == "1 of 4"
    assert window.view.editor().textCursor().selectedText() == "sea"
    press(qtbot, window, "F3")
    assert bar.message.text() == "2 of 4 (in a note)"
    assert window.note_actions.dock.isVisible(), "the notes panel opens on the match"
    assert selected_note(window) == NOTES[2].id, "newest note first, as the panel lists them"
    press(qtbot, window, "F3")
    press(qtbot, window, "F3")
    assert bar.message.text() == "4 of 4 (in a note)" and selected_note(window) == NOTES[0].id
    press(qtbot, window, "F3")
    assert bar.message.text() == "1 of 4", "round to the draft again"
    press(qtbot, window, "Shift+F3")
    assert bar.message.text() == "4 of 4 (in a note)"
    bar.include_notes.setChecked(False)
    assert bar.message.text() == "1 found"


def test_a_match_hidden_by_the_panels_search_is_still_shown(qtbot, window):
    panel(window).search.setText("gull")  # the library filtered to one note
    press(qtbot, window, "Ctrl+F")
    bar = window.tools.find_bar
    bar.include_notes.setChecked(True)
    bar.find_edit.setText("murdoch")
    press(qtbot, window, "F3")
    assert selected_note(window) == NOTES[0].id


def test_replace_all_across_cards_and_notes_is_one_undo_step(qtbot, window, project_path):
    cards_before = [c.text for c in window.session.cards]
    notes_before = {n.id: n.text for n in NOTES}
    press(qtbot, window, "Ctrl+H")
    bar = window.tools.find_bar
    bar.include_notes.setChecked(True)
    bar.find_edit.setText("sea")
    bar.replace_edit.setText("ocean")
    assert bar.replace_all() == 4
    assert bar.message.text() == "Replaced 4 in 1 card and 2 notes"
    assert "the ocean turned grey" in window.session.cards[1].text
    shown = {n.id: n.text for n in panel(window).model.all_notes()}
    assert shown[NOTES[0].id] == "The ocean, the ocean: Murdoch's title."
    assert shown[NOTES[2].id] == "Salt on everything, even the ocean wind."
    assert bar.message.text() == "Replaced 4 in 1 card and 2 notes"
    press(qtbot, window, "Ctrl+Z")
    assert [c.text for c in window.session.cards] == cards_before
    assert {n.id: n.text for n in panel(window).model.all_notes()} == notes_before
    assert bar.message.text() == "4 found (3 in notes)", "the bar finds again in the restored notes"
    window.redo()
    window.close()
    assert "the ocean turned grey" in saved_texts(project_path)[1]
    assert saved_notes(project_path)[NOTES[0].id] == "The ocean, the ocean: Murdoch's title."
    assert saved_notes(project_path)[NOTES[1].id] == NOTES[1].text


def test_replace_in_a_note_changes_that_match_only_and_goes_on(qtbot, window, project_path):
    press(qtbot, window, "Ctrl+H")
    bar = window.tools.find_bar
    bar.include_notes.setChecked(True)
    bar.find_edit.setText("the sea")
    bar.replace_edit.setText("the ocean")
    press(qtbot, window, "F3")
    press(qtbot, window, "F3")  # the note listed first: "even the sea wind"
    assert bar.message.text() == "2 of 4 (in a note)"
    bar.replace_current()
    assert panel(window).model.note(NOTES[2].id).text == "Salt on everything, even the ocean wind."
    assert bar.message.text() == "2 of 3 (in a note)" and selected_note(window) == NOTES[0].id
    assert window.session.cards[1].text.startswith("Below him the sea"), "the draft untouched"
    press(qtbot, window, "Ctrl+Z")
    assert panel(window).model.note(NOTES[2].id).text == NOTES[2].text
    window.close()
    assert saved_notes(project_path)[NOTES[2].id] == NOTES[2].text
