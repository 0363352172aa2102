from __future__ import annotations

from PySide6.QtCore import Qt

from cardwriter.domain.model import Card, Provenance, Variant, VariantKind
from cardwriter.gui.card_model import CARD_MIME, CardListModel, CardRole


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


def test_streaming_and_busy_roles(session):
    model = CardListModel(session)
    card_id = session.cards[1].id
    model.set_busy(card_id, True)
    model.set_streaming(card_id, 0, "Below")
    index = model.index(1)
    assert index.data(CardRole.BUSY) and index.data(CardRole.STREAMING) == {0: "Below"}
    model.clear_streaming(card_id)
    assert index.data(CardRole.STREAMING) == {}


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
