"""Link cards at the writer's desk, with the real all-MiniLM-L6-v2 deciding what is near (slow): a draft that
says one thing twice and a note about it; once the project is open, the paragraph gets both link cards."""

from __future__ import annotations

import pytest

from cardwriter.domain.links import LinkKind
from cardwriter.domain.model import Note
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend

PARAGRAPHS = [
    "My grandmother kept every letter she was ever sent in a biscuit tin under her bed.",
    "On Sundays we walked to the harbour and watched the fishing boats come in with the tide.",
    "She never threw away a single letter; decades of them waited in a tin beneath her bed.",
    "The bus to town left at seven, and if you missed it you walked.",
]
LETTERS = Note("Old letters kept for decades in a tin box: a whole life in paper.", source="notebook", id="letters")
BREAD = Note("How to bake sourdough bread at home.", id="bread")


@pytest.mark.slow
def test_a_paragraph_said_twice_and_a_note_about_it_get_link_cards(qtbot, app_settings, tmp_path):
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    path = tmp_path / "letters.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Letters", "\n\n".join(PARAGRAPHS) + "\n"))
        project.add_notes([LETTERS, BREAD])
    win = MainWindow(app_settings, fake_backend(embedder=SentenceTransformerEmbedder()), path)
    qtbot.addWidget(win)
    win.resize(1100, 760)
    win.show()
    qtbot.waitExposed(win)

    def links(row: int) -> list[tuple[LinkKind, str]]:
        return [(link.kind, link.target_id) for link in win.model.index(row).data(CardRole.LINKS)]

    qtbot.waitUntil(lambda: bool(links(0)), timeout=60_000)  # the embedder loads on first use
    cards = win.session.cards
    assert links(0) == [(LinkKind.NOTE, LETTERS.id), (LinkKind.ECHO, cards[2].id)]
    assert (LinkKind.ECHO, cards[0].id) in links(2)
    assert links(1) == [] and links(3) == [], "the harbour and the bus say nothing twice, and bake no bread"
    assert win.view.delegate.peek_label(win.model.index(0)) == "1 note · 1 echo ▾"
    win.stacks.unfurl(cards[0].id)
    captions = [card.caption.full_text() for card in win.stacks.panel.link_row.cards]
    assert captions == ["from your notes · notebook", "echo · you said this below, ¶3"]
    win.close()
