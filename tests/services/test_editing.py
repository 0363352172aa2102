from __future__ import annotations

import pytest

from cardwriter.domain.model import Provenance, Variant, VariantKind, VariantState
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import UserError
from cardwriter.services import editing
from cardwriter.storage.project import Project


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("D", "Alpha beta. Gamma delta.\n\nSecond card.\r\n"))
        yield project


def cards(project):
    return project.load_draft(project.drafts()[0].id).cards


def test_split_then_merge_restores_the_text(project):
    first = cards(project)[0]
    new = editing.split_card(project, first.id, len("Alpha beta. "))
    assert [c.text for c in cards(project)] == ["Alpha beta. ", "Gamma delta.", "Second card."]
    assert cards(project)[1].id == new.id
    editing.merge_with_previous(project, new.id)
    assert project.load_draft(project.drafts()[0].id).text() == "Alpha beta. Gamma delta.\n\nSecond card.\r\n"


def test_merge_brings_the_stack_along_and_first_card_cannot_merge(project):
    first, second = cards(project)
    project.add_variants(second.id, [Variant("Card two.", Provenance(VariantKind.REWRITE))])
    editing.merge_with_previous(project, second.id)
    (only,) = cards(project)
    assert [v.text for v in only.variants] == ["Card two."]
    assert only.separator == "\r\n"
    with pytest.raises(UserError, match="first card"):
        editing.merge_with_previous(project, only.id)


def test_accept_swaps_in_and_the_old_text_stays_in_the_stack(project):
    card = cards(project)[0]
    v1 = Variant("Alpha, then beta.", Provenance(VariantKind.REWRITE, seed=1))
    v2 = Variant("Beta after alpha.", Provenance(VariantKind.REWRITE, seed=2))
    project.add_variants(card.id, [v1, v2])

    editing.accept_variant(project, card.id, v1.id)
    card = cards(project)[0]
    assert card.text == "Alpha, then beta."
    original = [v for v in card.variants if v.provenance.kind is VariantKind.ORIGINAL]
    assert [v.text for v in original] == ["Alpha beta. Gamma delta."]

    editing.accept_variant(project, card.id, v2.id)  # the accepted one goes back to the stack
    card = cards(project)[0]
    states = {v.text: v.state for v in card.variants}
    assert card.text == "Beta after alpha."
    assert states["Alpha, then beta."] is VariantState.IN_STACK
    assert states["Beta after alpha."] is VariantState.ACCEPTED

    editing.accept_variant(project, card.id, original[0].id)  # undo all the way: nothing lost
    card = cards(project)[0]
    assert card.text == "Alpha beta. Gamma delta."
    assert sorted(v.text for v in card.stack()) == ["Alpha, then beta.", "Beta after alpha."]
