"""What the writer just asked for comes first: a note dropped on a card with old variants gives fusions
on the stack's first page, and the stack unfurls by itself when the first one arrives, unless the
writer is typing in another card meanwhile (then only the peek says new)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import Note, Provenance, Variant, VariantKind
from cardwriter.generation.fake import FakeGenerator
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend
from tests.gui.dnd import drop

SEA = Note("Beneath the cliffs the sea went grey, then dark, and the seabirds fell silent on the stones.")
OLD = [f"An old variant of the second paragraph, number {n}, written long ago." for n in range(1, 6)]


@pytest.fixture
def desk(qtbot, app_settings, project_path):
    """A window on a project with a note, whose second card has five old variants; its model writes a
    word every 20 ms (a fusion takes a moment, as it does on a laptop)."""
    with Project.open(project_path) as project:
        project.add_notes([SEA])
        card = project.load_draft(project.drafts()[0].id).cards[1]
        project.add_variants(card.id, [Variant(t, Provenance(VariantKind.REWRITE)) for t in OLD])
    win = MainWindow(app_settings, fake_backend(FakeGenerator(delay=0.02)), project_path)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.waitUntil(lambda: win.status.model_state() == "ready", timeout=10_000)
    yield win
    win.close()


def drop_note_on(qtbot, win, card_id: str) -> None:
    """Press on the note in the notes list (as a drag starts) and drop it on the card."""
    notes = win.notes_panel
    index = notes.model.index(notes.model.shown_ids().index(SEA.id))
    qtbot.mouseClick(notes.list.viewport(), Qt.MouseButton.LeftButton, pos=notes.list.visualRect(index).center())
    target = win.view.visualRect(win.model.index_of_card(card_id)).center()
    assert drop(win.view.viewport(), notes.model.mimeData([index]), target) is not None


def wait_for_fusions(qtbot, win, card_id: str) -> None:
    qtbot.waitUntil(lambda: win.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)
    qtbot.waitUntil(lambda: not win.model.index_of_card(card_id).data(CardRole.BUSY), timeout=30_000)


def is_fusion(variant: Variant) -> bool:
    return variant.provenance.kind is VariantKind.RECOMBINE and variant.provenance.note_ids == (SEA.id,)


def test_a_dropped_notes_fusions_unfurl_by_themselves_on_the_first_page(qtbot, desk):
    win = desk
    card_id = win.session.cards[1].id
    drop_note_on(qtbot, win, card_id)
    qtbot.waitUntil(lambda: win.stacks.panel is not None, timeout=30_000)
    assert win.stacks.panel.card_id == card_id, "the stack unfurled by itself when the first fusion came"
    wait_for_fusions(qtbot, win, card_id)
    panel = win.stacks.panel
    first_page = [tile.variant for tile in panel.cards]
    assert len(first_page) == 4 and all(is_fusion(v) for v in first_page), "the fusions are on the first page"
    assert panel.pages() == 3, "the five old variants follow"
    before = [v.id for v in first_page]
    qtbot.mouseClick(panel.cards[1].findChild(QToolButton, "pin"), Qt.MouseButton.LeftButton)
    assert [tile.variant.id for tile in panel.cards] == before, "and from then on the tiles stay put"


def test_while_the_writer_types_in_another_card_only_the_peek_says_new(qtbot, desk):
    win = desk
    view, card_id, other = win.view, win.session.cards[1].id, win.session.cards[0].id
    drop_note_on(qtbot, win, card_id)
    view.write_in(other)  # back to the first paragraph while the fusions are written
    view.editor().place_cursor_at_end()
    qtbot.keyClicks(view.editor(), " And the lamp")
    wait_for_fusions(qtbot, win, card_id)
    assert win.stacks.panel is None, "nothing unfurled under the writer's hands"
    assert view.editing_id() == other and view.editor().hasFocus(), "the keyboard is still in their paragraph"
    assert view.editor().toPlainText().endswith(" And the lamp")
    assert win.model.index_of_card(card_id).data(CardRole.NEW_COUNT) == 4, "the peek says new"
    win.stacks.unfurl(card_id)
    assert all(is_fusion(tile.variant) for tile in win.stacks.panel.cards), "the fusions come first when unfurled"
