"""Notes meet cards in the window: drop onto a card to fuse, combine two, related notes follow the cursor."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import Note, VariantKind
from cardwriter.gui.shell.main_window import MainWindow
from tests.gui.conftest import fake_backend, saved_texts
from tests.gui.dnd import drop

SEA = Note(
    "Beneath the cliffs the sea went grey, then dark, and the seabirds fell silent on the stones.", source="a sailor"
)
BREAD = Note("Bread rises best in a warm kitchen while the oven ticks.")


def open_window(qtbot, app_settings, project_path, backend):
    from cardwriter.storage.project import Project

    with Project.open(project_path) as project:
        project.add_notes([SEA, BREAD])
    win = MainWindow(app_settings, backend, project_path)
    qtbot.addWidget(win)
    win.resize(1100, 760)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.status.model_state() == "ready", timeout=10_000)
    return win


@pytest.fixture
def noted_window(qtbot, app_settings, project_path):
    win = open_window(qtbot, app_settings, project_path, fake_backend())
    yield win
    win.close()


def note_mime(win, note_id):
    model = win.notes_panel.model
    row = model.shown_ids().index(note_id)
    return model.mimeData([model.index(row)])


def test_dropping_a_note_on_a_card_fills_its_stack_with_fusions(qtbot, noted_window):
    win = noted_window
    card_id = win.session.cards[1].id
    target = win.view.visualRect(win.model.index(1)).center()
    with qtbot.waitSignal(win.generation.queue.finished, timeout=20_000):
        drop(win.view.viewport(), note_mime(win, SEA.id), target)
    stack = win.session.card(card_id).stack()
    assert stack and all(v.provenance.kind is VariantKind.RECOMBINE for v in stack)
    assert all(v.provenance.note_ids == (SEA.id,) for v in stack)
    assert win.session.card(card_id).text.startswith("Below him the sea")  # the card itself is untouched


def test_dropping_a_note_between_cards_inserts_it_as_a_card(qtbot, noted_window, project_path):
    win = noted_window
    top_of_third = win.view.visualRect(win.model.index(2)).topLeft() + type(win.view.pos())(40, 1)
    drop(win.view.viewport(), note_mime(win, BREAD.id), top_of_third)
    assert [c.text for c in win.session.cards][2] == BREAD.text
    win.undo()
    assert BREAD.text not in [c.text for c in win.session.cards]


def test_combining_two_notes_makes_a_new_card_with_a_stack(qtbot, noted_window):
    win = noted_window
    win.view.go_to_card(win.session.cards[0].id)
    with qtbot.waitSignal(win.generation.queue.finished, timeout=20_000):
        win.note_actions.combine_notes(SEA.id, BREAD.id)
    new = win.session.cards[1]
    assert new.text == "" and new.stack()
    assert all(set(v.provenance.note_ids) == {SEA.id, BREAD.id} for v in new.stack())
    win.stacks.unfurl(new.id)
    shown = win.stacks.panel.cards[0].variant
    assert win.stacks.accept_shown(0)
    assert win.session.card(new.id).text == shown.text


@pytest.mark.slow
def test_related_notes_follow_the_current_paragraph(qtbot, app_settings, project_path):
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    win = open_window(qtbot, app_settings, project_path, fake_backend(embedder=SentenceTransformerEmbedder()))
    win.view.go_to_card(win.session.cards[1].id)  # "Below him the sea turned grey..."
    qtbot.waitUntil(lambda: win.notes_panel.related.count() > 0, timeout=60_000)  # the embedder loads first
    assert win.notes_panel.related.item(0).data(0x0100 + 1) == SEA.id
    win.view.go_to_card(win.session.cards[2].id)  # "He lit the lamp and sat with his tea..."
    qtbot.waitUntil(
        lambda: win.notes_panel.related.count() == 0 or win.notes_panel.related.item(0).data(0x0100 + 1) != SEA.id,
        timeout=10_000,
    )
    win.notes_panel.search.setText("bakery dough in the oven")  # no word in common: found by meaning
    qtbot.waitUntil(lambda: win.notes_panel.model.shown_ids()[:1] == [BREAD.id], timeout=10_000)
    win.close()


def test_inserting_a_note_as_a_card_is_saved(qtbot, noted_window, project_path):
    win = noted_window
    win.view.go_to_card(win.session.cards[2].id)
    win.note_actions.insert_notes_as_cards(None, [BREAD.id])
    win.close()
    assert saved_texts(project_path)[3] == BREAD.text


def test_what_does_this_make_you_think_of_asks_for_an_association(qtbot, noted_window):
    win = noted_window
    win.view.go_to_card(win.session.cards[0].id)
    with qtbot.waitSignal(win.generation.queue.finished, timeout=20_000):
        win.note_actions.associate_note(SEA.id)
    new = win.session.cards[1]
    assert new.text == "" and new.stack()
    assert all(v.provenance.kind is VariantKind.RECOMBINE and v.provenance.angle == "association" for v in new.stack())
    assert all(v.provenance.note_ids == (SEA.id,) for v in new.stack())
