from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import Provenance, Variant, VariantKind, VariantState
from cardwriter.gui.stack_tray import StackTray, describe


def variants(n):
    return [Variant(f"Variant number {i}.", Provenance(VariantKind.RESTYLE, angle="terser")) for i in range(n)]


def test_shows_four_side_by_side_and_pages_through_more(qtbot):
    tray = StackTray(["terser", "warmer"])
    qtbot.addWidget(tray)
    tray.show_stack("card", variants(6), busy=False)
    assert [t.variant.text for t in tray.tiles] == [f"Variant number {i}." for i in range(4)]
    assert tray.more.isVisibleTo(tray) and tray.more.text() == "More (1/2)"
    qtbot.mouseClick(tray.more, Qt.MouseButton.LeftButton)
    assert [t.variant.text for t in tray.tiles] == ["Variant number 4.", "Variant number 5."]
    tray.show_stack("other card", variants(2), busy=True)
    assert len(tray.tiles) == 2 and tray.cancel.isVisibleTo(tray)


def test_buttons_say_which_card_and_variant(qtbot):
    tray = StackTray([])
    qtbot.addWidget(tray)
    shown = variants(2)
    shown[1].state = VariantState.PINNED
    tray.show_stack("card-7", shown, busy=False)
    tile = tray.tiles[1]
    for name, signal, expected in (
        ("accept", tray.accept_requested, ["card-7", shown[1].id]),
        ("unpin", tray.pin_requested, ["card-7", shown[1].id, False]),
        ("discard", tray.discard_requested, ["card-7", shown[1].id]),
        ("refine", tray.refine_requested, ["card-7", shown[1].id]),
    ):
        with qtbot.waitSignal(signal) as caught:
            qtbot.mouseClick(tile.findChild(QToolButton, name), Qt.MouseButton.LeftButton)
        assert caught.args == expected
    qtbot.mouseClick(tile.findChild(QToolButton, "copy"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "Variant number 1."
    with qtbot.waitSignal(tray.generate_requested) as caught:
        tray.kind.setCurrentIndex(tray.kind.findData("continue"))
        qtbot.mouseClick(tray.generate, Qt.MouseButton.LeftButton)
    assert caught.args == ["card-7", "continue", ""]


def test_captions_name_kind_angle_and_lineage():
    v = Variant("x", Provenance(VariantKind.RESTYLE, angle="warmer", parent_id="p"), state=VariantState.PINNED)
    assert describe(v) == "restyle · warmer · refined · pinned"


def test_empty_states_explain_themselves(qtbot):
    tray = StackTray([])
    qtbot.addWidget(tray)
    assert "Select a card" in tray.empty.text() and not tray.generate.isEnabled()
    tray.show_stack("card", [], busy=False)
    assert "No variants yet" in tray.empty.text()
