"""Notes meet the draft on a workspace, without a window: the dock follows the project, notes dropped
on a card ask for fusions, notes dropped between cards become cards, related notes follow the cursor."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, Qt, QUrl
from PySide6.QtWidgets import QLabel

from cardwriter.domain.model import Note, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.notes.note_actions import NoteActions
from cardwriter.gui.notes.notes_panel import NotesPanel
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend
from tests.gui.dnd import drop

SEA = Note(
    "Beneath the cliffs the sea went grey, then dark, and the seabirds fell silent on the stones.", source="a sailor"
)
BREAD = Note("Bread rises best in a warm kitchen while the oven ticks.")


@pytest.fixture
def added_files() -> list[list[Path]]:
    return []


@pytest.fixture
def notes(qtbot, workspace, generation, added_files) -> NoteActions:
    """Note actions on a workspace whose project holds two notes (added before they were made)."""
    workspace.project.add_notes([SEA, BREAD])
    actions = NoteActions(workspace, fake_backend().notes, generation, added_files.append)
    qtbot.addWidget(actions.dock)
    return actions


def show(qtbot, view) -> None:
    view.resize(1000, 900)
    view.show()
    qtbot.waitExposed(view)


def note_mime(actions: NoteActions, note_id: str) -> QMimeData:
    model = actions.panel.model
    return model.mimeData([model.index(model.shown_ids().index(note_id))])


def texts(workspace) -> list[str]:
    return [c.text for c in workspace.session.cards]


def test_the_dock_shows_the_open_projects_notes_and_lets_go_when_it_closes(qtbot, workspace, notes, project_path):
    assert isinstance(notes.dock.widget(), NotesPanel) and notes.panel is notes.dock.widget()
    assert set(notes.panel.model.shown_ids()) == {SEA.id, BREAD.id}
    workspace.close_project()
    assert notes.panel is None and isinstance(notes.dock.widget(), QLabel)
    workspace.open_project(Project.open(project_path))
    qtbot.addWidget(workspace.view)
    assert notes.panel is not None and set(notes.panel.model.shown_ids()) == {SEA.id, BREAD.id}


def test_dropping_a_note_on_a_card_asks_for_a_fusion(qtbot, workspace, generation, notes):
    show(qtbot, workspace.view)
    card_id = workspace.session.cards[1].id
    target = workspace.view.visualRect(workspace.model.index(1)).center()
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        drop(workspace.view.viewport(), note_mime(notes, SEA.id), target)
    stack = workspace.session.card(card_id).stack()
    assert stack and all(v.provenance.kind is VariantKind.RECOMBINE for v in stack)
    assert all(v.provenance.note_ids == (SEA.id,) for v in stack)
    assert workspace.session.card(card_id).text.startswith("Below him the sea"), "the card itself is untouched"
    assert "Fusing 1 note into the paragraph…" in workspace.said


def test_dropping_a_note_between_cards_inserts_it_as_a_card_and_undo_takes_it_out(qtbot, workspace, notes):
    show(qtbot, workspace.view)
    top_of_third = workspace.view.visualRect(workspace.model.index(2)).topLeft() + QPoint(40, 1)
    drop(workspace.view.viewport(), note_mime(notes, BREAD.id), top_of_third)
    assert texts(workspace)[2] == BREAD.text and len(texts(workspace)) == 4
    workspace.undo()
    assert BREAD.text not in texts(workspace) and len(texts(workspace)) == 3


def test_several_notes_insert_below_the_current_card_in_one_undoable_step(qtbot, workspace, notes):
    workspace.view.go_to_card(workspace.session.cards[0].id)
    notes.insert_notes_as_cards(None, [SEA.id, BREAD.id])
    assert texts(workspace)[1:3] == [SEA.text, BREAD.text]
    assert workspace.view.current_card_id() == workspace.session.cards[1].id, "the writer is taken to the first"
    assert workspace.undo_stack.count() == 1 and workspace.undo_stack.undoText() == "Insert notes as cards"
    workspace.undo()
    assert len(texts(workspace)) == 3 and SEA.text not in texts(workspace)


def test_a_note_dropped_in_a_newly_shown_draft_still_asks_for_a_fusion(qtbot, workspace, generation, notes):
    second = draft_from_text("Second", "The tide came in over the causeway while the village slept on.")
    workspace.project.add_draft(second)
    workspace.show_draft(second.id)
    qtbot.addWidget(workspace.view)
    show(qtbot, workspace.view)
    card_id = workspace.session.cards[0].id
    target = workspace.view.visualRect(workspace.model.index(0)).center()
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        drop(workspace.view.viewport(), note_mime(notes, SEA.id), target)
    assert all(v.provenance.note_ids == (SEA.id,) for v in workspace.session.card(card_id).stack())


def test_related_notes_follow_the_current_card(qtbot, workspace, notes):
    def related() -> list[str]:
        return [notes.panel.related.item(i).text() for i in range(notes.panel.related.count())]

    workspace.view.go_to_card(workspace.session.cards[1].id)  # "Below him the sea turned grey..."
    qtbot.waitUntil(lambda: any(SEA.text[:20] in t for t in related()), timeout=5000)
    workspace.view.go_to_card(workspace.session.cards[2].id)  # "He lit the lamp and sat with his tea..."
    qtbot.waitUntil(lambda: not any(SEA.text[:20] in t for t in related()), timeout=5000)


def test_combining_two_notes_makes_a_new_card_whose_stack_draws_on_both(qtbot, workspace, generation, notes):
    workspace.view.go_to_card(workspace.session.cards[0].id)
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        notes.combine_notes(SEA.id, BREAD.id)
    new = workspace.session.cards[1]
    assert new.text == "" and new.stack()
    assert all(set(v.provenance.note_ids) == {SEA.id, BREAD.id} for v in new.stack())


def test_files_dropped_on_the_notes_list_are_handed_on_as_paths(workspace, notes, added_files, tmp_path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "quotes.md"))])
    assert notes.panel.model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    assert added_files == [[tmp_path / "quotes.md"]]
