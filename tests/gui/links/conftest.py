"""Link cards on a workspace, without a window: notes, stacks and links features over the story project.

``StubIndex`` stands in for the link index where a test says which links each card gets
(it honours "Not relevant" as the real one does); the end-to-end tests use the real
``LinkIndex``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.links import Link, LinkKind
from cardwriter.domain.model import Note
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.prompts import ANGLES
from cardwriter.gui.links.link_actions import LinkActions
from cardwriter.gui.notes.note_actions import NoteActions
from cardwriter.gui.stack.stack_actions import StackActions
from tests.gui.conftest import fake_backend

SEA = Note(
    "Beneath the cliffs the sea went grey, then dark, and the seabirds fell silent on the stones.",
    source="a sailor",
    id="sea",
)
BREAD = Note("Bread rises best in a warm kitchen while the oven ticks.", id="bread")


class StubIndex:
    """A link index that offers what ``offer`` says (card id -> links), less what was dismissed."""

    offer: dict[str, list[Link]] = {}

    def __init__(self, embedder) -> None:
        self.updates = 0

    def add_vectors(self, vectors) -> None:
        pass

    def update(self, cards, notes, *, cancelled=lambda: False) -> bool:
        self.updates += 1
        return True

    def take_new_vectors(self) -> dict:
        return {}

    def links(self, card_ids, dismissed: Mapping[str, set[str]]) -> dict[str, list[Link]]:
        return {
            c: [link for link in StubIndex.offer.get(c, []) if link.target_id not in dismissed.get(c, set())]
            for c in card_ids
        }


def note_link(note: Note, similarity: float = 0.6) -> Link:
    return Link(LinkKind.NOTE, note.id, note.text, similarity, source=note.source)


def echo_link(card, draft, position: int, similarity: float = 0.7) -> Link:
    return Link(LinkKind.ECHO, card.id, card.text, similarity, source=draft.title, draft_id=draft.id, position=position)


@pytest.fixture
def shown(qtbot, workspace):
    workspace.view.resize(1100, 900)
    workspace.view.show()
    qtbot.waitExposed(workspace.view)
    return workspace


@pytest.fixture
def notes(qtbot, shown, generation) -> NoteActions:
    shown.project.add_notes([SEA, BREAD])
    actions = NoteActions(shown, fake_backend().notes, generation, lambda paths: None)
    qtbot.addWidget(actions.dock)
    return actions


@pytest.fixture
def stacks(shown, generation) -> StackActions:
    return StackActions(shown, generation, list(ANGLES))


@pytest.fixture
def offer(shown):
    """What the stub index offers: the second card gets the sea note and an echo of the first card."""
    session = shown.session
    first, second = session.cards[0], session.cards[1]
    StubIndex.offer = {second.id: [note_link(SEA), echo_link(first, session.draft, 0)]}
    yield StubIndex.offer
    StubIndex.offer = {}


@pytest.fixture
def links(qtbot, shown, notes, stacks, offer) -> LinkActions:
    """Link actions over the stub index, with the offer's links already on the model."""
    actions = LinkActions(shown, notes, stacks, FakeEmbedder(), make_index=StubIndex)
    with qtbot.waitSignal(actions.links_set, timeout=5000):
        pass
    return actions


def click(qtbot, widget, name: str) -> None:
    button = widget.findChild(QToolButton, name)
    assert button is not None and button.isVisibleTo(widget), f"no {name} button"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
