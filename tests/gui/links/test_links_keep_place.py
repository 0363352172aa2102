"""Links arriving while the writer is deep in a long draft: the cards above that gain a peek grow, and the
card at the top of the view stays where it was (the draft never slides under the writer's eyes)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.gui.links.link_actions import LinkActions
from cardwriter.services.projects import Project
from tests.gui.links.conftest import SEA, StubIndex, note_link


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "long.cardwriter"
    text = "\n\n".join(f"Paragraph {n} of a long draft, with enough words to take part in links." for n in range(60))
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Long", text + "\n"))
    return path


def test_links_arriving_above_leave_the_top_card_where_it_was(qtbot, shown, notes, stacks):
    view, cards = shown.view, shown.session.cards
    view.resize(900, 600)
    view.scrollTo(shown.model.index(40))
    qtbot.wait(50)
    top = view.indexAt(QPoint(view.viewport().width() // 2, 1)).row()
    assert top > 20
    before = view.visualRect(shown.model.index(top)).top()
    StubIndex.offer = {card.id: [note_link(SEA)] for card in cards[:top]}  # every card above gains a peek
    try:
        actions = LinkActions(shown, notes, stacks, FakeEmbedder(), make_index=StubIndex)
        with qtbot.waitSignal(actions.links_set, timeout=5000):
            pass
        view.executeDelayedItemsLayout()
        assert abs(view.visualRect(shown.model.index(top)).top() - before) <= 1
    finally:
        StubIndex.offer = {}
