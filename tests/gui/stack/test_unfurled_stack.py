"""The unfurled stack on its own: pages, columns by width, requests, empty and busy states."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QGuiApplication, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QToolButton, QWidget

from cardwriter.domain.model import Provenance, Variant, VariantKind, VariantState
from cardwriter.gui.stack.unfurled_stack import MIN_CARD_WIDTH, UnfurledStack, columns_for


def variants(n):
    return [Variant(f"Variant number {i}.", Provenance(VariantKind.RESTYLE, angle="terser")) for i in range(n)]


# Variants as long as the model writes them: 5 to 8 lines in a card of a four-column row at 1366 px,
# and one line; their lengths differ so that some line ends fall near a card's edge.
LONG = (
    "Jealousy, unbridled pride, and the unrelenting pursuit of life are words that have haunted my soul, "
    "a reminder of the fleeting nature of reality. As I stood beside her on the brink of life's final slum, "
    "her words were a stark reflection of this relentless cycle."
)
LONGER = LONG + " My mind began to spin with doubts, and the weight of the past became a companion."
SHORT = "He lit the lamp."
MIXED = [LONGER, SHORT, LONG, LONG[:190], LONGER[:260], SHORT + " Then he sat down."]


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
    assert "checked 3 of 8" in panel.title.text() and panel.cancel.isVisibleTo(panel)
    assert "once they pass the filters" in panel.empty.text()


def test_the_changes_toggle_hides_the_marks(qtbot):
    panel = stack(qtbot)
    panel.show_stack(variants(1), "Variant number.", busy=False, progress=None)
    assert "background-color" in panel.cards[0].text.text()
    with qtbot.waitSignal(panel.show_changes_toggled) as caught:
        qtbot.mouseClick(panel.changes, Qt.MouseButton.LeftButton)
    assert caught.args == [False] and "background-color" not in panel.cards[0].text.text()


def needed_height(label: QLabel) -> int:
    """Px the label's rich text takes at the width it was given, laid out anew (not asked of the label)."""
    document = QTextDocument()
    document.setDocumentMargin(0)  # as QLabel lays out its rich text
    document.setDefaultFont(label.font())
    document.setHtml(label.text())
    document.setTextWidth(label.contentsRect().width())
    return math.ceil(document.size().height())


def assert_every_line_shows(panel: UnfurledStack, snug: bool = False) -> None:
    """Every card's text has the height it needs; ``snug``: and each row no more than its tallest text needs."""
    spare: dict[int, list[int]] = {}
    for card in panel.cards:
        label = card.text
        given, needed = label.contentsRect().height(), needed_height(label)
        assert needed <= given, f"{card.variant.text[:30]!r}: needs {needed} px, has {given}"
        bottom = label.mapTo(panel, QPoint(0, label.height())).y()
        assert bottom <= panel.height(), "the card's text ends inside the room the stack asked for"
        spare.setdefault(card.y(), []).append(given - needed)
    if snug:
        assert all(min(row) <= 1 for row in spare.values()), f"px to spare in each row: {list(spare.values())}"


@pytest.mark.parametrize("width", [1056, 700, 330], ids=["wide, four columns", "two columns", "narrow, stacked"])
def test_every_line_of_a_long_or_short_variant_shows_whichever_card_is_reached(qtbot, width):
    """The stack is measured, then placed and shown (as the draft view does); Left/Right outline
    each card in turn, and no card's text may then need more height than it has."""
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(width + 40, 2000)
    panel = UnfurledStack("card", ["terser"], parent=host, closeness=lambda texts: [0.5] * len(texts))
    shown = [Variant(t, Provenance(VariantKind.REWRITE, angle="fresh words")) for t in MIXED]
    panel.show_stack(shown, "A paragraph.", busy=False, progress=None)
    for page in range(panel.pages()):
        height = panel.height_for(width)
        panel.setGeometry(0, 0, width, height)
        host.show()
        qtbot.waitUntil(lambda: all(card.text.height() > 0 for card in panel.cards))
        for n in range(len(panel.cards)):
            panel.set_current(n)
            QGuiApplication.processEvents()
            assert_every_line_shows(panel)
        lines = {
            card.variant.text: needed_height(card.text) // card.text.fontMetrics().lineSpacing() for card in panel.cards
        }
        if page == 0:
            assert lines[LONGER] >= 5 and lines[SHORT] == 1, "long and short variants both tried"
        panel.next_page()


@pytest.mark.parametrize("width", [1366, 683], ids=["1366 px window", "683 px window"])
def test_in_the_window_variants_that_arrive_and_the_next_page_get_the_room_they_need(qtbot, window, width):
    """Under its card in the draft view: a stack unfurled while it fills, then paged with "More"."""
    window.resize(width, 768)
    qtbot.waitUntil(lambda: window.width() == width)
    card = window.session.cards[0]
    window.model.add_variants(card.id, [Variant(SHORT, Provenance(VariantKind.REWRITE))])
    window.stacks.unfurl(card.id)
    panel = window.stacks.panel
    # Variants written while it is open, enough for a second page.
    window.model.add_variants(card.id, [Variant(t, Provenance(VariantKind.RESTYLE, angle="warmer")) for t in MIXED])
    for _ in range(panel.pages()):
        qtbot.waitUntil(lambda: all(c.isVisible() for c in panel.cards))
        qtbot.waitUntil(lambda: assert_every_line_shows(panel, snug=True))  # its room follows its content, soon
        for _ in range(len(panel.cards)):  # the last Right turns the page
            qtbot.keyClick(panel, Qt.Key.Key_Right)
            qtbot.waitUntil(lambda: assert_every_line_shows(panel))
    assert panel.page == 0, "Right went round every page and back"


def test_a_narrow_stack_puts_its_title_above_the_buttons_rather_than_squeeze_either(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    panel = UnfurledStack("card", ["terser"], parent=host)
    panel.show_stack(variants(6), "Variant number.", busy=True, progress=(3, 8))
    shown = [b for b in panel.buttons if b.isVisibleTo(panel)]
    assert panel.more in shown and panel.cancel in shown
    buttons_need = sum(b.sizeHint().width() + 4 for b in shown) + 16
    for width, above in ((buttons_need + 400, False), (buttons_need + 10, True)):
        panel.setGeometry(0, 0, width, panel.height_for(width))
        host.resize(width, panel.height())
        host.show()
        qtbot.waitUntil(lambda w=width: panel.title.width() > 0 and panel.width() == w)
        QGuiApplication.processEvents()
        assert (panel.title.geometry().bottom() < panel.generate.y()) is above
        assert all(b.width() >= b.sizeHint().width() for b in shown), "every button keeps its whole label"
        assert panel.title.shown_text().startswith("6 variants"), "the count is never cut to its number"
        assert panel.title.fontMetrics().horizontalAdvance(panel.title.shown_text()) <= panel.title.width()


def test_the_stack_s_buttons_keep_the_app_s_font_inside_a_draft_set_in_a_large_serif(qtbot):
    """The draft view passes its prose font down to the stack; the controls must not take it."""
    host = QWidget()
    qtbot.addWidget(host)
    host.setFont(QFont("Serif", 18))
    panel = UnfurledStack("card", ["terser"], parent=host)
    panel.show_stack(variants(4), "Variant number.", busy=False, progress=None)
    for button in (*panel.buttons, *panel.cards[0].buttons.values()):
        assert button.font().pointSizeF() == QApplication.font(button).pointSizeF(), button.text()
        assert button.font().family() == QApplication.font(button).family(), button.text()
    assert panel.title.font().bold(), "the title stays bold"
    assert panel.cards[0].text.font().pointSizeF() == 18, "the variant's text stays in the prose font"
