"""The in-memory draft always matches what is saved in the project file."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import Card, Provenance, Variant, VariantKind, VariantState
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.project import Project


@pytest.fixture
def session(tmp_path):
    with Project.create(tmp_path / "p.cardwriter") as project:
        draft = draft_from_text("D", "First card here.\n\nSecond card.\n\nThird.\n")
        project.add_draft(draft)
        yield DraftSession(project, draft.id)


def assert_saved(session):
    """What the session shows is exactly what a fresh load from disk gives."""
    assert session.project.load_draft(session.draft.id) == session.draft


def texts(session):
    return [c.text for c in session.cards]


def test_text_split_merge_unmerge(session):
    first = session.cards[0]
    session.set_text(first.id, "First card here, edited.")
    new = session.split(first.id, len("First card"))
    assert texts(session) == ["First card", " here, edited.", "Second card.", "Third."]
    assert_saved(session)
    session.add_variants(new.id, [Variant("Variant of the tail.", Provenance(VariantKind.REWRITE))])
    above_id, moved = session.merge_with_previous(new.id)
    assert texts(session) == ["First card here, edited.", "Second card.", "Third."]
    assert len(moved) == 1 and session.card(above_id).variants[0].id == moved[0]
    assert_saved(session)
    session.unmerge(above_id, len("First card"), new.id, moved)
    assert texts(session) == ["First card", " here, edited.", "Second card.", "Third."]
    assert session.cards[1].id == new.id and [v.id for v in session.cards[1].variants] == moved
    assert_saved(session)


def test_insert_delete_move(session):
    card = Card("Inserted.", variants=[Variant("v", Provenance(VariantKind.CONTINUE))])
    assert session.insert(1, card) == 1
    index, removed = session.delete(card.id)
    assert index == 1 and removed.variants[0].text == "v"
    session.insert(index, removed)
    assert session.cards[1].variants[0].text == "v"
    assert session.move(session.cards[0].id, 3) == 0
    assert texts(session) == ["Inserted.", "Second card.", "Third.", "First card here."]
    assert_saved(session)


def test_every_accept_listener_hears_each_acceptance_after_it_is_saved(session):
    card_id = session.cards[0].id
    heard = []
    session.add_accept_listener(lambda draft_id: heard.append(("meter", draft_id, session.card(card_id).text)))
    session.add_accept_listener(lambda draft_id: heard.append(("second", draft_id, session.card(card_id).text)))
    v = Variant("A rewrite.", Provenance(VariantKind.REWRITE))
    session.add_variants(card_id, [v])
    assert heard == [], "adding variants is not accepting one"
    session.accept(card_id, v.id)
    draft_id = session.draft.id
    assert heard == [("meter", draft_id, "A rewrite."), ("second", draft_id, "A rewrite.")], (
        "a second listener does not replace the first"
    )
    assert_saved(session)


def test_snapshot_and_restore_undo_an_accept_without_touching_later_variants(session):
    card_id = session.cards[0].id
    v = Variant("A rewrite.", Provenance(VariantKind.REWRITE))
    session.add_variants(card_id, [v])
    before = session.snapshot(card_id)
    session.accept(card_id, v.id)
    after = session.snapshot(card_id)
    later = Variant("Arrived later.", Provenance(VariantKind.REWRITE))
    session.add_variants(card_id, [later])

    session.restore(before, after)  # undo
    card = session.card(card_id)
    assert card.text == "First card here."
    assert {x.text: x.state for x in card.variants} == {
        "A rewrite.": VariantState.IN_STACK,
        "Arrived later.": VariantState.IN_STACK,
    }
    assert_saved(session)

    session.restore(after, before)  # redo
    card = session.card(card_id)
    assert card.text == "A rewrite."
    assert {x.text for x in card.stack()} == {"First card here.", "Arrived later."}
    assert_saved(session)


def test_pin_and_discard_change_the_stack_and_are_saved(session):
    card = session.cards[0]
    keep, drop = (
        Variant("Kept.", Provenance(VariantKind.CONTINUE)),
        Variant("Dropped.", Provenance(VariantKind.CONTINUE)),
    )
    session.add_variants(card.id, [keep, drop])
    session.set_variant_state(card.id, keep.id, VariantState.PINNED)
    session.set_variant_state(card.id, drop.id, VariantState.DISCARDED)
    assert [v.text for v in session.card(card.id).stack()] == ["Kept."]
    assert {v.text: v.state for v in session.card(card.id).variants}["Kept."] is VariantState.PINNED
    assert_saved(session)
