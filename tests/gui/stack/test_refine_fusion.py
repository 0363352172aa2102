"""Refine on a fusion: its variants fuse the same notes again, and nothing the window says names a command-line flag."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import Note, VariantKind
from cardwriter.generation.prompts import ANGLES
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.stack.generation_controller import GenerationController
from cardwriter.gui.stack.stack_actions import StackActions
from tests.gui.conftest import fake_backend

SEA = Note("Beneath the cliffs the sea went grey, then dark, and the seabirds fell silent on the stones.")
BREAD = Note("Bread rises best in a warm kitchen while the oven ticks.")


@pytest.fixture
def generation(qtbot, workspace):
    backend = fake_backend()
    controller = GenerationController(backend.filler, backend.loader_for(workspace.prefs), workspace.prefs)
    controller.set_model(workspace.model)
    controller.said = []
    controller.message.connect(lambda text, ms: controller.said.append(text))
    yield controller
    controller.shutdown()


def fuse(qtbot, workspace, generation, card_id, notes) -> None:
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        assert generation.generate(card_id, VariantKind.RECOMBINE, notes=notes)
    qtbot.waitUntil(lambda: not workspace.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)


def refine_first_tile(qtbot, workspace, generation, card_id):
    """Unfurl the card's stack and press Refine on its first tile; returns the variant refined."""
    stacks = StackActions(workspace, generation, list(ANGLES))
    stacks.unfurl(card_id)
    tile = stacks.panel.cards[0]
    qtbot.mouseClick(tile.findChild(QToolButton, "refine"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not workspace.model.index_of_card(card_id).data(CardRole.BUSY), timeout=20_000)
    return tile.variant


def test_refining_a_fusion_writes_fusions_of_it_with_the_same_notes(qtbot, workspace, generation):
    workspace.project.add_notes([SEA, BREAD])
    notes = [SEA]
    card_id = workspace.session.cards[1].id
    fuse(qtbot, workspace, generation, card_id, notes)
    assert workspace.session.card(card_id).stack(), f"no fusions to refine; the window said {generation.said}"
    refined = refine_first_tile(qtbot, workspace, generation, card_id)
    children = [v for v in workspace.session.card(card_id).stack() if v.provenance.parent_id == refined.id]
    assert children, f"no refined variants; the window said {generation.said}"
    assert all(v.provenance.kind is VariantKind.RECOMBINE for v in children)
    assert all(v.provenance.note_ids == tuple(n.id for n in notes) for v in children), "the same notes"
    assert not [m for m in generation.said if "Could not" in m or " --" in m]


def test_refining_a_fusion_whose_note_was_deleted_says_so_plainly(qtbot, workspace, generation):
    workspace.project.add_notes([SEA])
    card_id = workspace.session.cards[1].id
    fuse(qtbot, workspace, generation, card_id, [SEA])
    workspace.project.delete_note(SEA.id)
    stacks = StackActions(workspace, generation, list(ANGLES))
    stacks.unfurl(card_id)
    qtbot.mouseClick(stacks.panel.cards[0].findChild(QToolButton, "refine"), Qt.MouseButton.LeftButton)
    assert generation.queue.pending() == 0, "nothing asked of the model"
    assert generation.said == ["The note this fusion was made from has been deleted, so it cannot be fused again."]
