from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QUndoStack

from cardwriter.domain.model import Note
from cardwriter.gui.common.drag_data import NOTE_MIME, note_ids_from
from cardwriter.gui.notes.notes_model import NotesModel
from cardwriter.gui.notes.notes_panel import NotesPanel
from cardwriter.storage.project import Project
from tests.gui.dnd import drop

NOTES = [
    Note("The sea is as deep as the sky is high.", source="a sailor"),
    Note("Every lighthouse keeper keeps a log of ships."),
    Note("Bread rises best in a warm kitchen."),
]


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "n.cardwriter") as project:
        project.add_notes(NOTES)
        yield project


@pytest.fixture
def panel(qtbot, project):
    panel = NotesPanel(NotesModel(project), QUndoStack())
    panel.resize(300, 600)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def shown(panel):
    return [panel.model.note_at(r).text for r in range(panel.model.rowCount())]


def by_id(notes: list[Note]) -> list[Note]:
    """Notes in id order, to compare two lists of notes whatever their order."""
    return sorted(notes, key=lambda n: n.id)


def test_model_passes_qt_model_tester(qtmodeltester, project):
    model = NotesModel(project)
    qtmodeltester.check(model)
    model.show_only([NOTES[2].id, NOTES[0].id])
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_notes_drag_out_with_their_ids(project):
    model = NotesModel(project)
    mime = model.mimeData([model.index(0)])
    assert note_ids_from(mime) == [NOTES[2].id]  # newest first
    assert mime.text() == NOTES[2].text


def test_words_filter_at_once_and_meaning_results_replace_them(qtbot, panel):
    panel.search.setText("lighthouse")
    assert shown(panel) == ["Every lighthouse keeper keeps a log of ships."]
    with qtbot.waitSignal(panel.search_requested) as asked:
        pass
    assert asked.args == ["lighthouse"]
    panel.show_results("lighthouse", [NOTES[1].id, NOTES[0].id])
    assert shown(panel) == [NOTES[1].text, NOTES[0].text]
    panel.show_results("stale query", [NOTES[2].id])  # a late answer to an old query is ignored
    assert len(shown(panel)) == 2
    panel.search.clear()
    assert len(shown(panel)) == 3


def test_add_edit_delete_are_undoable_and_saved(panel, project):
    panel.add_notes([Note("A fresh fragment.")])
    assert len(project.notes()) == 4
    panel.delete_notes([NOTES[0].id])
    assert NOTES[0].id not in {n.id for n in project.notes()}
    panel.undo_stack.undo()
    panel.undo_stack.undo()
    assert by_id(project.notes()) == by_id(NOTES), "every note back exactly as it was"
    panel.undo_stack.redo()
    assert shown(panel)[0] == "A fresh fragment."


def test_text_dropped_from_another_app_becomes_a_note(qtbot, panel, project):
    mime = QMimeData()
    mime.setText("Dropped from a browser: the tide waits for no one.")
    assert drop(panel.list.viewport(), mime, panel.list.viewport().rect().center())
    assert "Dropped from a browser: the tide waits for no one." in {n.text for n in project.notes()}


def test_a_file_dropped_from_another_app_is_offered_for_import(qtbot, panel, tmp_path):
    path = tmp_path / "quote.md"
    path.write_text("A quote in a file.\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    with qtbot.waitSignal(panel.model.files_dropped) as dropped:
        assert drop(panel.list.viewport(), mime, panel.list.viewport().rect().center())
    assert dropped.args == [[str(path)]]


def test_a_note_dropped_on_another_asks_to_combine(qtbot, panel):
    mime = panel.model.mimeData([panel.model.index(0)])
    target = panel.list.visualRect(panel.model.index(2)).center()
    with qtbot.waitSignal(panel.combine_requested) as combined:
        drop(panel.list.viewport(), mime, target)
    assert combined.args == [NOTES[2].id, NOTES[0].id]
    assert mime.hasFormat(NOTE_MIME)
