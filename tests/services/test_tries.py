"""The tree of tries, built from a real project file after real accepts, edits and undos."""

from __future__ import annotations

import time

import pytest

from cardwriter.domain.model import Draft, Note, Provenance, Variant, VariantKind, VariantState
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.tries import TryNode, build_tree, edited_since, path_to
from cardwriter.storage.project import Project

FIRST = "The keeper climbed the stairs every evening."


@pytest.fixture
def session(tmp_path):
    with Project.create(tmp_path / "p.cardwriter") as project:
        draft: Draft = draft_from_text("D", FIRST + "\n\nThe sea turned grey.\n")
        project.add_draft(draft)
        yield DraftSession(project, draft.id)


def card_id(session: DraftSession) -> str:
    return session.cards[0].id


def add(session: DraftSession, text: str, kind=VariantKind.REWRITE, **provenance) -> Variant:
    """A variant made now (its ``created`` is now, after every accept so far).

    Times are kept to the millisecond: a pause either side keeps each variant's time apart from
    the accepts around it, as a writer's clicks and the model's variants always are."""
    time.sleep(0.003)
    variant = Variant(text, Provenance(kind, **provenance))
    session.add_variants(card_id(session), [variant])
    time.sleep(0.003)
    return variant


def tree(session: DraftSession) -> TryNode:
    cid = card_id(session)
    return build_tree(session.card(cid), session.project.acceptances(cid))


def shape(node: TryNode) -> tuple:
    """(text, [children's shapes]) with a mark: * on the path, ● the current one."""
    mark = ("●" if node.is_current else "*") if node.on_path else ""
    return (mark + node.text, [shape(child) for child in node.children])


def test_refine_chain_hangs_each_variant_under_its_parent_and_the_paragraph_is_current(session):
    a = add(session, "A: he climbed.")
    add(session, "B: up he went.", VariantKind.RESTYLE, angle="terser")
    a1 = add(session, "A1: he climbed, slowly.", parent_id=a.id)
    add(session, "A1a: slowly, he climbed.", parent_id=a1.id)
    add(session, "A2: he climbed again.", parent_id=a.id)
    root = tree(session)
    assert root.variant is None and root.kind == "original", "no accept yet: the root is the card's own text"
    assert shape(root) == (
        "●" + FIRST,
        [
            (
                "A: he climbed.",
                [("A1: he climbed, slowly.", [("A1a: slowly, he climbed.", [])]), ("A2: he climbed again.", [])],
            ),
            ("B: up he went.", []),
        ],
    )
    kinds = {n.text: n.kind for n in root.walk()}
    assert kinds["B: up he went."] == "restyle · terser" and kinds["A1: he climbed, slowly."] == "refined · rewrite"
    assert not edited_since(root)


def test_a_fusion_keeps_its_notes_and_a_refine_of_a_gone_parent_hangs_under_the_text_it_came_from(session):
    note = Note("The sea is all about us.")
    session.project.add_notes([note])
    fusion = add(session, "He climbed; the sea was all about him.", VariantKind.RECOMBINE, note_ids=(note.id,))
    orphan = add(session, "Orphan.", parent_id="gone")
    root = tree(session)
    assert [c.id for c in root.children] == [fusion.id, orphan.id]
    (fused, lost) = root.children
    assert fused.kind == "fusion" and fused.note_ids == (note.id,)
    assert lost.kind == "refined · rewrite"


def test_accept_then_variants_of_the_accepted_text_hang_under_it_on_the_path(session):
    a = add(session, "A: he climbed.")
    b = add(session, "B: up he went.")
    session.accept(card_id(session), a.id)
    c = add(session, "C: written from A.")
    root = tree(session)
    assert root.variant is not None and root.variant.provenance.kind is VariantKind.ORIGINAL
    assert root.text == FIRST and root.kind == "original" and root.on_path and not root.is_current
    assert shape(root) == (
        "*" + FIRST,
        [("●A: he climbed.", [("C: written from A.", [])]), ("B: up he went.", [])],
    )
    accepted = next(n for n in root.walk() if n.id == a.id)
    assert accepted.accepted_at == [session.project.acceptances(card_id(session))[0].at]
    assert accepted.state is VariantState.ACCEPTED
    assert [n.id for n in path_to(root, c.id)] == [root.id, a.id, c.id]
    assert b.id not in {n.id for n in root.walk() if n.on_path}


def test_the_writers_edit_hangs_under_the_accept_before_it_and_typing_since_flags_nothing_current(session):
    cid = card_id(session)
    a = add(session, "A: he climbed.")
    session.accept(cid, a.id)
    b = add(session, "B: from A.")
    session.set_text(cid, "A, as the writer changed it.")
    root = tree(session)
    assert edited_since(root), "typed since the accept: no try is the text now"
    assert [n.text for n in root.walk() if n.on_path] == [FIRST, "A: he climbed."], "the path runs to the last accept"
    assert "A, as the writer changed it." not in [n.text for n in root.walk()], "no node made up for the typing"

    session.accept(cid, b.id)
    root = tree(session)
    assert shape(root) == (
        "*" + FIRST,
        [("*A: he climbed.", [("●B: from A.", []), ("A, as the writer changed it.", [])])],
    )
    edit = root.children[0].children[1]
    assert edit.kind == "your edit" and edit.variant.provenance.kind is VariantKind.ORIGINAL
    assert not edited_since(root)


def test_discarded_tries_stay_in_the_tree_with_their_state(session):
    a = add(session, "A: he climbed.")
    add(session, "B: up he went.")
    session.set_variant_state(card_id(session), a.id, VariantState.DISCARDED)
    root = tree(session)
    states = {n.text: n.state for n in root.children}
    assert states == {"A: he climbed.": VariantState.DISCARDED, "B: up he went.": VariantState.IN_STACK}


def test_undoing_an_accept_takes_its_node_off_the_path_and_its_edit_out(session):
    cid = card_id(session)
    a = add(session, "A: he climbed.")
    session.accept(cid, a.id)
    b = add(session, "B: from A.")
    session.set_text(cid, "A, edited.")
    before = session.snapshot(cid)
    session.accept(cid, b.id)
    assert len(list(tree(session).walk())) == 4
    session.restore(before, session.snapshot(cid), undoing_accept=b.id)  # what Undo does
    root = tree(session)
    assert [n.text for n in root.walk()] == [FIRST, "A: he climbed.", "B: from A."], "the edit went with the accept"
    assert edited_since(root) and [n.id for n in root.walk() if n.on_path] == [root.id, a.id]
    assert next(n for n in root.walk() if n.id == b.id).accepted_at == []
    session.set_text(cid, "A: he climbed.")  # typed back to the accepted text: it is the current one again
    assert next(n for n in tree(session).walk() if n.is_current).id == a.id


def test_accepting_the_original_back_makes_the_root_current_and_keeps_both_accept_times(session):
    cid = card_id(session)
    a = add(session, "A: he climbed.")
    session.accept(cid, a.id)
    original = tree(session)
    session.accept(cid, original.id)
    session.accept(cid, a.id)
    session.accept(cid, original.id)
    root = tree(session)
    assert root.is_current and [n.id for n in root.walk() if n.on_path] == [root.id]
    assert len(root.accepted_at) == 2 and len(root.children[0].accepted_at) == 2
    assert [n.text for n in root.walk()] == [FIRST, "A: he climbed."], "swapping back and forth adds no edits"


def test_a_refine_of_the_original_hangs_under_it_and_children_come_oldest_first(session):
    cid = card_id(session)
    a = add(session, "A: he climbed.")
    session.accept(cid, a.id)
    root_id = tree(session).id
    later = add(session, "Second refine.", parent_id=root_id)
    earlier = Variant(
        "First refine.", Provenance(VariantKind.REWRITE, parent_id=root_id, created="2000-01-01T00:00:00")
    )
    session.add_variants(cid, [earlier])
    assert [c.id for c in tree(session).children] == [earlier.id, a.id, later.id]


def test_parent_links_that_loop_hang_under_the_root(session):
    one = Variant("One.", Provenance(VariantKind.REWRITE, parent_id="two"), id="one")
    two = Variant("Two.", Provenance(VariantKind.REWRITE, parent_id="one"), id="two")
    session.add_variants(card_id(session), [one, two])
    root = tree(session)
    assert sorted(n.id for n in root.walk()) == ["", "one", "two"]
