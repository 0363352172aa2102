from __future__ import annotations

from PySide6.QtGui import QUndoStack

from cardwriter.domain.model import Card, Provenance, Variant, VariantKind, VariantState
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.card_model import CardListModel


def on_disk(session):
    return session.project.load_draft(session.draft.id)


def texts(session):
    return [c.text for c in on_disk(session).cards]


def test_every_card_edit_undoes_and_redoes_exactly(qtbot, session):
    model = CardListModel(session)
    stack = QUndoStack()
    original = on_disk(session)
    first, second, third = (c.id for c in session.cards)

    stack.push(undo_commands.EditText(model, first, session.cards[0].text, "Edited."))
    stack.push(undo_commands.EditText(model, first, "Edited.", "Edited twice."))
    assert stack.count() == 1, "typing in one card merges into one step"
    stack.push(undo_commands.SplitCard(model, second, 5))
    new_id = session.cards[2].id
    stack.push(undo_commands.MergeWithPrevious(model, third))
    stack.push(undo_commands.MoveCard(model, first, 2))
    stack.push(undo_commands.DeleteCard(model, new_id))
    stack.push(undo_commands.InsertCard(model, 0, Card("Brand new.")))
    final = on_disk(session)

    while stack.canUndo():
        stack.undo()
        assert on_disk(session) == session.draft, "memory and disk agree after every step"
    assert on_disk(session) == original
    while stack.canRedo():
        stack.redo()
    after = on_disk(session)
    assert [c.text for c in after.cards] == [c.text for c in final.cards]
    assert [c.id for c in after.cards] == [c.id for c in final.cards]


def test_accept_pin_discard_undo(qtbot, session):
    model = CardListModel(session)
    stack = QUndoStack()
    card_id = session.cards[0].id
    old_text = session.cards[0].text
    a, b = (
        Variant("Variant A.", Provenance(VariantKind.REWRITE)),
        Variant("Variant B.", Provenance(VariantKind.REWRITE)),
    )
    model.add_variants(card_id, [a, b])

    stack.push(undo_commands.accept(model, card_id, a.id))
    assert texts(session)[0] == "Variant A."
    stack.push(undo_commands.pin(model, card_id, b.id))
    stack.push(undo_commands.discard(model, card_id, b.id))
    assert [v.text for v in session.card(card_id).stack()] == [old_text]

    stack.undo()
    assert session.card(card_id).stack()[0].state is VariantState.PINNED
    stack.undo()
    stack.undo()
    card = on_disk(session).cards[0]
    assert card.text == old_text
    assert {v.text: v.state for v in card.variants} == {
        "Variant A.": VariantState.IN_STACK,
        "Variant B.": VariantState.IN_STACK,
    }
    stack.redo()
    assert texts(session)[0] == "Variant A."


def test_undo_takes_an_acceptance_out_of_the_history_and_redo_puts_it_back(qtbot, session):
    model = CardListModel(session)
    stack = QUndoStack()
    card_id = session.cards[0].id
    a = Variant("Variant A.", Provenance(VariantKind.REWRITE))
    model.add_variants(card_id, [a])
    stack.push(undo_commands.accept(model, card_id, a.id))
    stack.push(undo_commands.pin(model, card_id, a.id))  # undoing a pin leaves the acceptance alone

    def accepted() -> list[str]:
        return [record.variant_id for record in session.project.acceptances(card_id)]

    assert accepted() == [a.id]
    stack.undo()
    assert accepted() == [a.id]
    stack.undo()
    assert accepted() == []
    stack.redo()
    assert accepted() == [a.id] and texts(session)[0] == "Variant A."
