"""Attribution through a real project file: type, accept, edit, accept again, undo, split and merge."""

from __future__ import annotations

from cardwriter.domain.attribution import counts
from cardwriter.domain.model import Card, Draft, Provenance, Variant, VariantKind
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.project import Project


def offer(session: DraftSession, card_id: str, text: str) -> str:
    variant = Variant(text=text, provenance=Provenance(kind=VariantKind.REWRITE))
    session.add_variants(card_id, [variant])
    return variant.id


def reopened(path, draft_id) -> DraftSession:
    return DraftSession(Project.open(path), draft_id)


def test_a_constructed_history_is_attributed_exactly_and_survives_reopening(tmp_path):
    path = tmp_path / "p.cardwriter"
    project = Project.create(path)
    draft = Draft("D", cards=[Card("")])
    project.add_draft(draft)
    session = DraftSession(project, draft.id)
    card_id = draft.cards[0].id
    points = []
    session.add_accept_listener(points.append)

    session.set_text(card_id, "The keeper climbed the stairs slowly.")  # type
    assert session.card(card_id).origins == "wwwwww"
    before_accept = session.snapshot(card_id)
    session.accept(card_id, offer(session, card_id, "The old keeper climbed the winding stairs slowly."))  # accept
    assert session.card(card_id).origins == "wmwwwmww"
    assert points == [draft.id]
    session.set_text(card_id, "The old keeper climbed the winding stairs at dusk.")  # edit
    assert session.card(card_id).origins == "wmwwwmwww"
    assert counts(session.card(card_id).text, session.card(card_id).origins) == (7, 2)
    snapshot = session.snapshot(card_id)
    session.accept(card_id, offer(session, card_id, "An old keeper climbed the winding stairs at dusk."))  # again
    assert session.card(card_id).origins == "mmwwwmwww"
    after = session.snapshot(card_id)
    session.restore(snapshot, after)  # undo the second accept
    assert session.card(card_id).origins == "wmwwwmwww"
    session.restore(before_accept, session.snapshot(card_id))  # undo back to the typed text
    assert session.card(card_id).origins == "wwwwww"
    session.restore(after)  # redo
    project.close()

    again = reopened(path, draft.id)
    assert again.card(card_id).text == "An old keeper climbed the winding stairs at dusk."
    assert again.card(card_id).origins == "mmwwwmwww"
    again.project.close()


def test_split_and_merge_carry_the_letters_with_the_words(tmp_path):
    project = Project.create(tmp_path / "p.cardwriter")
    draft = Draft("D", cards=[Card("one two three four")])
    project.add_draft(draft)
    session = DraftSession(project, draft.id)
    card_id = draft.cards[0].id
    session.accept(card_id, offer(session, card_id, "one TWO three FOUR"))
    assert session.card(card_id).origins == "wmwm"
    new = session.split(card_id, len("one TWO "))
    assert (session.card(card_id).origins, session.card(new.id).origins) == ("wm", "wm")
    above_id, _ = session.merge_with_previous(new.id)
    assert session.card(above_id).origins == "wmwm"
    project.close()
