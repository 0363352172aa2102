"""A variant card marks the words that differ from its paragraph, and the marks can be hidden."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import Provenance, Variant, VariantKind, VariantState
from cardwriter.gui.common.appearance import dark_palette
from cardwriter.gui.stack.variant_card import VariantCard, describe, mark_colour

PARAGRAPH = "The old keeper climbed the winding stairs every evening."
VARIANT = Variant(
    "The old keeper climbed the narrow stairs each evening.", Provenance(VariantKind.REWRITE, angle="plainer")
)


def marked(card: VariantCard) -> list[str]:
    return re.findall(r"<span style=\"background-color:[^\"]*\">([^<]*)</span>", card.text.text())


def test_the_changed_words_are_marked_and_only_they(qtbot):
    card = VariantCard(1, VARIANT, PARAGRAPH, show_changes=True)
    qtbot.addWidget(card)
    assert marked(card) == ["narrow", "each"]
    card.show_changes(False)
    assert marked(card) == [] and "narrow stairs each evening." in card.text.text()


def test_the_mark_is_readable_on_light_and_dark_cards(qtbot):
    card = VariantCard(1, VARIANT, PARAGRAPH, show_changes=True)
    qtbot.addWidget(card)
    for palette in (card.palette(), dark_palette()):
        base, mark = palette.color(palette.ColorRole.Base), mark_colour(palette)
        text = palette.color(palette.ColorRole.Text)
        assert abs(mark.lightness() - base.lightness()) >= 25, "the mark stands out from the card"
        assert abs(mark.lightness() - text.lightness()) >= 90, "and the word on it stays legible"


def test_text_is_escaped_and_line_breaks_kept(qtbot):
    variant = Variant("A <b>bold</b> claim\nand a second line.", Provenance(VariantKind.REWRITE))
    card = VariantCard(2, variant, "A claim.", show_changes=True)
    qtbot.addWidget(card)
    assert "&lt;b&gt;" in card.text.text() and "<b>bold" not in card.text.text()
    assert "pre-wrap" in card.text.text()


def test_buttons_say_what_they_do_with_which_variant(qtbot):
    pinned = Variant("x", Provenance(VariantKind.RESTYLE, angle="warmer", parent_id="p"), state=VariantState.PINNED)
    assert describe(pinned) == "restyle · warmer · refined · pinned"
    card = VariantCard(3, pinned, "y", show_changes=True)
    qtbot.addWidget(card)
    assert card.findChild(QToolButton, "unpin") and not card.findChild(QToolButton, "pin")
    with qtbot.waitSignal(card.action) as caught:
        qtbot.mouseClick(card.findChild(QToolButton, "refine"), Qt.MouseButton.LeftButton)
    assert caught.args == ["refine", pinned]


def test_a_variant_card_shows_its_closeness_to_the_writers_voice_or_nothing_without_a_baseline(qtbot):
    close = VariantCard(1, VARIANT, PARAGRAPH, show_changes=True, closeness=0.62)
    none = VariantCard(2, VARIANT, PARAGRAPH, show_changes=True)
    for card in (close, none):
        qtbot.addWidget(card)
        card.show()
    assert close.voice.isVisible() and close.voice.text() == "voice 0.62 ▮▮▮▯▯" == close.voice.full_text()
    assert "your own voice" in close.voice.toolTip()
    assert not none.voice.isVisible() and none.voice.text() == ""


def test_at_the_narrowest_card_the_caption_and_voice_mark_fit_or_say_the_whole_in_the_tooltip(qtbot):
    """The header never clips: shorter wordings, then an ellipsis, the whole text in the tooltip."""
    variant = Variant(
        "x", Provenance(VariantKind.RESTYLE, angle="more tension", parent_id="p"), state=VariantState.PINNED
    )
    card = VariantCard(2, variant, "y", show_changes=True, closeness=0.62)
    qtbot.addWidget(card)
    card.show()
    widest, narrowest = card.sizeHint().width(), card.minimumSizeHint().width()
    for width in (widest, (widest + narrowest) // 2, narrowest):
        card.resize(width, card.heightForWidth(width))
        qtbot.waitUntil(lambda w=width: card.width() == w)
        for label in (card.caption, card.voice):
            shown = label.shown_text()
            assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width(), (width, shown)
            assert label.geometry().right() <= card.contentsRect().right(), "inside the card"
            if shown != label.full_text():
                assert label.toolTip().startswith(label.full_text())
        assert "0.62" in card.voice.shown_text(), "the number itself always shows"
        assert "Alt+2 accepts" in card.caption.toolTip()
    assert card.caption.full_text() == "restyle · more tension · refined · pinned"
    assert card.caption.shown_text() != card.caption.full_text() and card.voice.shown_text() != card.voice.full_text()
    assert "your own voice" in card.voice.toolTip() and card.voice.toolTip().startswith("voice 0.62 ▮▮▮▯▯")
