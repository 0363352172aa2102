from __future__ import annotations

from PySide6.QtCore import Qt

from cardwriter.domain.model import Card, Provenance, Variant, VariantKind
from cardwriter.gui.common.drag_data import CARD_MIME
from cardwriter.gui.draft.card_model import CardListModel, CardRole


def test_model_passes_qt_model_tester(qtmodeltester, session):
    model = CardListModel(session)
    qtmodeltester.check(model)
    model.apply_insert(1, Card("New card."))
    model.apply_move(session.cards[0].id, 2)
    qtmodeltester.check(model)


def test_roles_show_the_cards_and_stacks(session):
    model = CardListModel(session)
    assert model.rowCount() == 3
    first = model.index(0)
    assert first.data(Qt.ItemDataRole.DisplayRole).startswith("The old keeper")
    assert first.data(CardRole.STACK_SIZE) == 0
    model.add_variants(session.cards[0].id, [Variant("A variant.", Provenance(VariantKind.REWRITE))])
    assert first.data(CardRole.STACK_SIZE) == 1
    assert [v.text for v in first.data(CardRole.STACK)] == ["A variant."]
    model.set_live_text(session.cards[0].id, "typing…")
    assert first.data(Qt.ItemDataRole.EditRole) == "typing…"
    assert model.take_live_text() == {session.cards[0].id: "typing…"}
    assert first.data(Qt.ItemDataRole.EditRole).startswith("The old keeper")


def test_progress_and_busy_roles(session):
    model = CardListModel(session)
    card_id = session.cards[1].id
    model.set_busy(card_id, True)
    model.set_progress(card_id, 3, 8)
    index = model.index(1)
    assert index.data(CardRole.BUSY) and index.data(CardRole.PROGRESS) == (3, 8)
    model.clear_progress(card_id)
    assert index.data(CardRole.PROGRESS) is None


def test_variants_are_new_until_their_stack_is_unfurled(session):
    model = CardListModel(session)
    card_id = session.cards[0].id
    index = model.index(0)
    assert index.data(CardRole.NEW_COUNT) == 0
    model.add_variants(card_id, [Variant(f"Variant {i}.", Provenance(VariantKind.REWRITE)) for i in range(3)])
    assert index.data(CardRole.NEW_COUNT) == 3
    model.mark_seen(card_id)
    assert index.data(CardRole.NEW_COUNT) == 0
    model.add_variants(card_id, [Variant("One more.", Provenance(VariantKind.REWRITE))])
    assert index.data(CardRole.NEW_COUNT) == 1


def test_dropping_a_card_asks_for_a_move(qtbot, session):
    model = CardListModel(session)
    mime = model.mimeData([model.index(0)])
    assert mime.hasFormat(CARD_MIME)
    with qtbot.waitSignal(model.move_requested) as signal:
        model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, model.index(-1))
    assert signal.args == [session.cards[0].id, 2]


def test_variants_for_a_deleted_card_are_refused(session):
    model = CardListModel(session)
    card_id = session.cards[2].id
    model.apply_delete(card_id)
    assert model.add_variants(card_id, [Variant("late", Provenance(VariantKind.REWRITE))]) is False
