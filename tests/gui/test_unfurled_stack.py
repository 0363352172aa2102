"""The unfurled stack on its own: pages, columns by width, requests, empty and busy states."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import Provenance, Variant, VariantKind, VariantState
from cardwriter.gui.unfurled_stack import MIN_CARD_WIDTH, UnfurledStack, columns_for


def variants(n):
    return [Variant(f"Variant number {i}.", Provenance(VariantKind.RESTYLE, angle="terser")) for i in range(n)]


def stack(qtbot, card_id="card", angles=("terser", "warmer")) -> UnfurledStack:
    panel = UnfurledStack(card_id, list(angles))
    qtbot.addWidget(panel)
    return panel


def test_four_side_by_side_when_wide_fewer_per_row_when_narrow():
    assert columns_for(4 * MIN_CARD_WIDTH + 40, 4) == 4
    assert columns_for(2 * MIN_CARD_WIDTH + 10, 4) == 2
    assert columns_for(100, 4) == 1
    assert columns_for(4000, 2) == 2, "never more columns than cards"


def test_pages_through_more_and_grows_taller_when_narrow(qtbot):
    panel = stack(qtbot)
    panel.show_stack(variants(6), "Variant number.", busy=False, progress=None)
    assert [c.variant.text for c in panel.cards] == [f"Variant number {i}." for i in range(4)]
    assert panel.more.isVisibleTo(panel) and panel.more.text() == "More (1/2)"
    qtbot.mouseClick(panel.more, Qt.MouseButton.LeftButton)
    assert [c.variant.text for c in panel.cards] == ["Variant number 4.", "Variant number 5."]
    wide, narrow = panel.height_for(1100), panel.height_for(300)
    assert narrow > wide, "stacked one above the other when the column is narrow"


def test_requests_name_the_card_and_the_variant(qtbot):
    panel = stack(qtbot, "card-7")
    shown = variants(2)
    shown[1].state = VariantState.PINNED
    panel.show_stack(shown, "Variant.", busy=False, progress=None)
    card = panel.cards[1]
    for name, signal, expected in (
        ("accept", panel.accept_requested, ["card-7", shown[1].id]),
        ("unpin", panel.pin_requested, ["card-7", shown[1].id, False]),
        ("discard", panel.discard_requested, ["card-7", shown[1].id]),
        ("refine", panel.refine_requested, ["card-7", shown[1].id]),
    ):
        with qtbot.waitSignal(signal) as caught:
            qtbot.mouseClick(card.findChild(QToolButton, name), Qt.MouseButton.LeftButton)
        assert caught.args == expected
    qtbot.mouseClick(card.findChild(QToolButton, "copy"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "Variant number 1."
    panel.choose("continue", "warmer")
    with qtbot.waitSignal(panel.generate_requested) as caught:
        qtbot.mouseClick(panel.generate, Qt.MouseButton.LeftButton)
    assert caught.args == ["card-7", "continue", "warmer"]


def test_empty_and_busy_states_explain_themselves(qtbot):
    panel = stack(qtbot)
    panel.show_stack([], "A paragraph.", busy=False, progress=None)
    assert "No variants yet" in panel.empty.text() and panel.empty.isVisibleTo(panel)
    panel.show_stack([], "A paragraph.", busy=True, progress=(3, 8))
    assert "writing 3 of 8" in panel.title.text() and panel.cancel.isVisibleTo(panel)
    assert "once they pass the filters" in panel.empty.text()


def test_the_changes_toggle_hides_the_marks(qtbot):
    panel = stack(qtbot)
    panel.show_stack(variants(1), "Variant number.", busy=False, progress=None)
    assert "background-color" in panel.cards[0].text.text()
    with qtbot.waitSignal(panel.show_changes_toggled) as caught:
        qtbot.mouseClick(panel.changes, Qt.MouseButton.LeftButton)
    assert caught.args == [False] and "background-color" not in panel.cards[0].text.text()
