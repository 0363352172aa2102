from cardwriter.domain.model import Card, Draft, Provenance, Variant, VariantKind, VariantState


def variant(text, state=VariantState.IN_STACK):
    return Variant(text=text, provenance=Provenance(kind=VariantKind.REWRITE), state=state)


def test_stack_offers_pinned_first_and_hides_discarded_and_accepted():
    card = Card(
        text="x",
        variants=[
            variant("a"),
            variant("b", VariantState.DISCARDED),
            variant("c", VariantState.PINNED),
            variant("d", VariantState.ACCEPTED),
            variant("e"),
        ],
    )
    assert [v.text for v in card.stack()] == ["c", "a", "e"]


def test_draft_text_joins_leading_cards_and_separators():
    draft = Draft(title="t", leading="\ufeff", cards=[Card("One", "\n\n"), Card("Two", "\n")])
    assert draft.text() == "\ufeffOne\n\nTwo\n"


def test_new_objects_get_distinct_ids():
    assert len({Card("x").id for _ in range(100)}) == 100
