"""Link cards in an unfurled stack: their own row under the variants, drawn and labelled as what they are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from cardwriter.domain.links import Link, LinkKind
from cardwriter.domain.model import VariantKind
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.stack.link_card import MAX_LINES, LinkCard, link_captions
from tests.gui.links.conftest import SEA

LONG = " ".join(["The keeper wrote the weather in his book every night, wind and sea and cloud."] * 8)


def unfurl_second(qtbot, shown, stacks):
    card_id = shown.session.cards[1].id
    view = shown.view
    index = shown.model.index_of_card(card_id)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.delegate.peek_rect(view.option_for(index), index).center()
    )
    qtbot.waitUntil(lambda: stacks.panel is not None and stacks.panel.link_row.isVisible(), timeout=3000)
    return stacks.panel


def test_a_click_on_a_links_only_peek_unfurls_them_in_their_own_row(qtbot, shown, stacks, links):
    panel = unfurl_second(qtbot, shown, stacks)
    row = panel.link_row
    assert row.title.text() == "From your notes and your draft"
    assert [c.link.kind for c in row.cards] == [LinkKind.NOTE, LinkKind.ECHO]
    assert panel.cards == [] and panel.variants == [], "no link is a variant tile"
    assert panel.title.full_text() == "0 variants", "the title counts variants only"
    note, echo = row.cards
    assert note.caption.full_text() == "from your notes · a sailor"
    assert echo.caption.full_text() == "echo · you said this above, ¶1"
    assert note.toolTip() == f"{SEA.text}\n\n— a sailor"
    assert [b.text() for b in note.buttons.values()] == ["Insert as Card", "Fuse", "Open Note", "Not Relevant"]
    assert [b.text() for b in echo.buttons.values()] == ["Go There", "Compare", "Not Relevant"]
    assert row.geometry().top() >= panel.empty.geometry().bottom(), "under the variants"
    assert panel.geometry().bottom() <= shown.view.visualRect(shown.model.index(2)).top() + 1, "room was made"
    assert note.backgroundRole() == QPalette.ColorRole.Window, "not a white sheet like a variant"
    assert "dashed" in note.styleSheet() and "border-left: 4px" in note.styleSheet()


def test_link_tiles_sit_under_the_variant_tiles_and_left_right_stay_on_variants(
    qtbot, shown, stacks, generation, links
):
    card_id = shown.session.cards[1].id
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        generation.generate(card_id, VariantKind.REWRITE)
    qtbot.waitUntil(lambda: not shown.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)
    panel = unfurl_second(qtbot, shown, stacks)
    assert len(panel.cards) == 4
    assert min(c.geometry().top() for c in panel.link_row.cards) > 0
    lowest_variant = max(c.mapTo(panel, c.rect().bottomLeft()).y() for c in panel.cards)
    assert panel.link_row.geometry().top() > lowest_variant
    panel.setFocus()
    for _ in range(5):
        qtbot.keyClick(panel, Qt.Key.Key_Right)
    assert panel.current == 1, "five steps right over four variants: the second, never a link card"


def test_a_card_for_another_draft_names_it_and_long_text_is_cut_with_the_whole_in_the_tooltip(qtbot):
    echo = Link(LinkKind.ECHO, "c9", LONG, 0.8, source="Chapter 2", draft_id="other", position=4)
    assert link_captions(echo, "this", 0)[0] == "echo · you said this in “Chapter 2”, ¶5"
    below = Link(LinkKind.ECHO, "c9", "x", 0.8, source="Story", draft_id="this", position=4)
    assert link_captions(below, "this", 2)[0] == "echo · you said this below, ¶5"
    unsourced = Link(LinkKind.NOTE, "n", "a note", 0.5)
    assert link_captions(unsourced, "this", 0) == ("from your notes",)
    card = LinkCard(echo, "this", 0)
    qtbot.addWidget(card)
    card.resize(320, 200)
    lines = card.text.shown_lines(280)
    assert len(lines) == MAX_LINES and lines[-1].endswith("…")
    assert card.toolTip() == LONG
    assert card.text.heightForWidth(280) == MAX_LINES * card.text.fontMetrics().lineSpacing()


def test_links_that_change_while_the_stack_is_unfurled_show_at_once(qtbot, shown, stacks, links, offer):
    panel = unfurl_second(qtbot, shown, stacks)
    offer[shown.session.cards[1].id] = offer[shown.session.cards[1].id][:1]  # the echo is no longer offered
    with qtbot.waitSignal(links.links_set, timeout=5000):
        links.refresh()
    assert [c.link.kind for c in panel.link_row.cards] == [LinkKind.NOTE]
    assert panel.link_row.title.text() == "From your notes"
