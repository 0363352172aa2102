"""Link cards worked out in the background by the real link index (the fake embedder's word overlap stands in
for meaning): offered when the project opens, kept in the project's embedding cache, following the typing and
the notes."""

from __future__ import annotations

import pytest

from cardwriter.domain.links import LinkKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.embedding.cache import text_hash
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.links.link_actions import LinkActions
from cardwriter.services.projects import Project
from tests.gui.conftest import TEXT
from tests.gui.links.conftest import SEA

REPEAT = "Every evening the old keeper climbed the winding stairs, counting each of the steps aloud."
TIDE = "Below the tower the sea turned grey, then black, and the gulls were quiet on the rocks at night."


@pytest.fixture
def project_path(tmp_path):
    """The story, whose fourth paragraph says again what the first says."""
    path = tmp_path / "story.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Story", TEXT + "\n" + REPEAT + "\n"))
    return path


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def real_links(qtbot, shown, notes, stacks, embedder) -> LinkActions:
    actions = LinkActions(shown, notes, stacks, embedder)
    with qtbot.waitSignal(actions.links_set, timeout=10_000):
        pass
    return actions


def kinds(shown, row: int) -> list[tuple[LinkKind, str]]:
    return [(link.kind, link.target_id) for link in shown.model.index(row).data(CardRole.LINKS)]


def settle(qtbot, actions: LinkActions) -> None:
    """Until the vectors embedded have been stored in the project's cache."""
    qtbot.waitUntil(lambda: not actions._stepper.isActive(), timeout=5000)


def test_opening_a_project_offers_the_note_near_a_paragraph_and_the_echo_of_another(qtbot, shown, real_links):
    cards = shown.session.cards
    assert kinds(shown, 1) == [(LinkKind.NOTE, SEA.id)]
    assert kinds(shown, 0) == [(LinkKind.ECHO, cards[3].id)]
    assert kinds(shown, 3) == [(LinkKind.ECHO, cards[0].id)]
    assert kinds(shown, 2) == []
    echo = shown.model.index(0).data(CardRole.LINKS)[0]
    assert (echo.text, echo.source, echo.draft_id, echo.position) == (REPEAT, "Story", shown.session.draft.id, 3)
    assert shown.view.delegate.peek_label(shown.model.index(1)) == "1 note ▾"


def test_what_was_embedded_is_kept_in_the_project_so_the_next_opening_embeds_nothing(
    qtbot, shown, notes, stacks, real_links, embedder, project_path
):
    settle(qtbot, real_links)
    texts = [c.text for c in shown.session.cards] + [n.text for n in notes.panel.model.all_notes()]
    cached = shown.project.embeddings(embedder.model_name, [text_hash(t) for t in texts])
    assert len(cached) == len(texts)
    shown.close_project()
    again = FakeEmbedder()
    actions = LinkActions(shown, notes, stacks, again)
    with qtbot.waitSignal(actions.links_set, timeout=10_000):
        shown.open_project(Project.open(project_path))
        qtbot.addWidget(shown.view)
    assert again.encoded == 0, "every vector came from the project file"
    assert kinds(shown, 1) == [(LinkKind.NOTE, SEA.id)]


def test_typing_re_embeds_only_that_paragraph_and_its_links_follow(qtbot, shown, real_links, embedder):
    settle(qtbot, real_links)
    before = embedder.encoded
    fourth = shown.session.cards[3].id
    shown.view.go_to_card(fourth)
    editor = shown.view.editor()
    editor.selectAll()
    with qtbot.waitSignal(real_links.links_set, timeout=10_000):
        qtbot.keyClicks(editor, "Kettles sing, cats sleep, and nobody comes to visit any more this year or next.")
    assert embedder.encoded == before + 1, "one paragraph changed: one embedded"
    assert kinds(shown, 0) == [] and kinds(shown, 3) == [], "no echo any more"


def test_a_note_added_is_offered_beside_the_paragraph_it_is_near(qtbot, shown, notes, real_links):
    from cardwriter.domain.model import Note

    tide = Note(TIDE, source="logbook", id="tide")
    with qtbot.waitSignal(real_links.links_set, timeout=10_000):
        notes.panel.add_notes([tide])
    assert kinds(shown, 1) == [(LinkKind.NOTE, "tide"), (LinkKind.NOTE, SEA.id)], "the nearer first"


def test_an_echo_in_another_draft_is_found_and_named(qtbot, shown, real_links):
    other = draft_from_text("Chapter 2", REPEAT.replace("Every evening", "Each evening") + "\n")
    shown.project.add_draft(other)
    shown.show_draft(shown.session.draft.id)  # shown again: the other drafts are read again
    qtbot.addWidget(shown.view)
    with qtbot.waitSignal(real_links.links_set, timeout=10_000):
        pass
    echoes = [link for link in shown.model.index(0).data(CardRole.LINKS) if link.draft_id == other.id]
    assert [(e.source, e.position, e.target_id) for e in echoes] == [("Chapter 2", 0, other.cards[0].id)]


def test_closing_the_project_at_once_still_keeps_what_was_embedded(qtbot, shown, notes, stacks, embedder):
    actions = LinkActions(shown, notes, stacks, embedder)
    actions.links_set.connect(actions._stepper.stop)  # the writer closes the project before the cache is written
    with qtbot.waitSignal(actions.links_set, timeout=10_000):
        pass
    assert actions._unstored
    project = shown.project
    hashes = [text_hash(c.text) for c in shown.session.cards]
    shown.close_project()
    with Project.open(project.path) as again:
        assert len(again.embeddings(embedder.model_name, hashes)) == len(hashes)
