"""While a stack is unfurled its tiles stay where they are: Pin, Discard and new variants move none of
the tiles the writer is looking at (the next click lands on the tile it was aimed at). The stored order,
pinned first, applies when the stack is unfurled next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import VariantKind, VariantState
from cardwriter.generation.prompts import ANGLES
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.stack.generation_controller import GenerationController
from cardwriter.gui.stack.stack_actions import StackActions
from tests.gui.conftest import fake_backend


@pytest.fixture
def generation(qtbot, workspace):
    backend = fake_backend()
    controller = GenerationController(backend.filler, backend.loader_for(workspace.prefs), workspace.prefs)
    controller.set_model(workspace.model)
    yield controller
    controller.shutdown()


@pytest.fixture
def stacks(qtbot, workspace, generation) -> StackActions:
    workspace.view.resize(1100, 900)
    workspace.view.show()
    qtbot.waitExposed(workspace.view)
    return StackActions(workspace, generation, list(ANGLES))


def fill(qtbot, workspace, generation, card_id) -> None:
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        assert generation.generate(card_id, VariantKind.REWRITE)
    qtbot.waitUntil(lambda: not workspace.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)


def tile_ids(stacks) -> list[str]:
    return [tile.variant.id for tile in stacks.panel.cards]


def click(qtbot, stacks, position: int, button: str) -> None:
    found = stacks.panel.cards[position].findChild(QToolButton, button)
    assert found is not None, f"no {button} button on tile {position + 1}"
    qtbot.mouseClick(found, Qt.MouseButton.LeftButton)


def test_pinning_moves_no_tile_until_the_stack_is_folded(qtbot, workspace, generation, stacks):
    card_id = workspace.session.cards[0].id
    fill(qtbot, workspace, generation, card_id)
    stacks.unfurl(card_id)
    before = tile_ids(stacks)
    assert len(before) == 4
    click(qtbot, stacks, 1, "pin")
    assert tile_ids(stacks) == before, "the pinned tile stays second; the others stay where they were"
    assert stacks.panel.cards[1].findChild(QToolButton, "unpin"), "the tile under the pointer is the pinned one"
    click(qtbot, stacks, 2, "discard")  # the next click lands on the tile it was aimed at
    assert tile_ids(stacks) == [before[0], before[1], before[3]], "the gap closes; the tiles before it stay"
    states = {v.id: v.state for v in workspace.session.card(card_id).variants}
    assert states[before[2]] is VariantState.DISCARDED and states[before[1]] is VariantState.PINNED
    stacks.fold()
    stacks.unfurl(card_id)
    assert tile_ids(stacks)[0] == before[1], "unfurled again: the pinned one comes first"


def test_unpinning_and_undo_move_no_tile_either(qtbot, workspace, generation, stacks):
    card_id = workspace.session.cards[0].id
    fill(qtbot, workspace, generation, card_id)
    stacks.unfurl(card_id)
    before = tile_ids(stacks)
    click(qtbot, stacks, 3, "pin")
    click(qtbot, stacks, 3, "unpin")
    assert tile_ids(stacks) == before
    click(qtbot, stacks, 1, "discard")
    workspace.undo()
    assert tile_ids(stacks) == before, "an undone discard comes back where it was"


def test_variants_arriving_in_an_unfurled_stack_go_after_the_tiles_on_show(qtbot, workspace, generation, stacks):
    card_id = workspace.session.cards[0].id
    fill(qtbot, workspace, generation, card_id)
    stacks.unfurl(card_id)
    before = tile_ids(stacks)
    click(qtbot, stacks, 2, "pin")
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        qtbot.mouseClick(stacks.panel.generate, Qt.MouseButton.LeftButton)  # More variants
    qtbot.waitUntil(lambda: not workspace.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)
    assert tile_ids(stacks) == before, "the tiles on show stay put"
    qtbot.mouseClick(stacks.panel.more, Qt.MouseButton.LeftButton)
    fresh = tile_ids(stacks)
    assert len(fresh) == 4 and not set(fresh) & set(before), "the new ones wait on the next page"
