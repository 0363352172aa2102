"""Link cards on the card model and in the peek: counted beside the variants, never among them."""

from __future__ import annotations

from cardwriter.domain.model import Provenance, Variant, VariantKind
from cardwriter.gui.draft.card_delegate import PEEK_HEIGHT
from cardwriter.gui.draft.card_links import row_runs
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.draft.peek_text import stack_count
from tests.gui.links.conftest import BREAD, SEA, echo_link, note_link


def test_the_count_names_variants_notes_and_echoes_leaving_out_what_there_is_none_of():
    assert stack_count(2, 1) == "2 variants · 1 note"
    assert stack_count(1, 0, 2) == "1 variant · 2 echoes"
    assert stack_count(0, 2, 1) == "2 notes · 1 echo"
    assert stack_count(3) == "3 variants"


def test_a_card_with_links_and_no_variants_peeks_and_its_pill_counts_them(qtbot, shown):
    model, view = shown.model, shown.view
    first, second = shown.session.cards[0], shown.session.cards[1]
    index = model.index(1)
    assert view.delegate.peek_rect(view.option_for(index), index).isNull(), "no stack, no peek yet"
    height = view.delegate.sizeHint(view.option_for(index), index).height()
    model.set_links({second.id: [note_link(SEA), echo_link(first, shown.session.draft, 0)]})
    assert index.data(CardRole.LINKS)[0].target_id == SEA.id
    assert view.delegate.peek_label(index) == "1 note · 1 echo ▾"
    assert view.delegate.peek_rect(view.option_for(index), index).height() >= 24, "a click target"
    assert view.delegate.sizeHint(view.option_for(index), index).height() == height - 4 + PEEK_HEIGHT


def test_links_are_counted_beside_variants_never_among_them(qtbot, shown):
    model, second = shown.model, shown.session.cards[1]
    variants = [Variant(f"Another way of saying it, number {n}.", Provenance(VariantKind.REWRITE)) for n in range(2)]
    model.add_variants(second.id, variants)
    model.set_links({second.id: [note_link(SEA)]})
    index = model.index(1)
    assert shown.view.delegate.peek_label(index) == "2 variants · 1 note ▾"
    assert index.data(CardRole.STACK_SIZE) == 2 and len(index.data(CardRole.STACK)) == 2
    assert all(v.text != SEA.text for v in shown.session.card(second.id).variants), "a link is never a variant"
    model.set_busy(second.id, True)
    assert shown.view.delegate.peek_label(index) == "2 variants · 1 note ▾  ·  ◔ queued…"


def test_setting_links_announces_only_the_rows_that_changed(qtbot, shown):
    model, cards = shown.model, shown.session.cards
    model.set_links({cards[0].id: [note_link(BREAD)], cards[2].id: [note_link(SEA)]})
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, roles=(): changed.append((top.row(), bottom.row())))
    model.set_links({c.id: [note_link(SEA)] if n == 2 else [] for n, c in enumerate(cards)})
    assert changed == [(0, 0)], "the first card lost its link; the third kept its own; the second had none"
    changed.clear()
    model.set_links({c.id: [note_link(SEA)] if n == 2 else [] for n, c in enumerate(cards)})
    assert changed == [], "nothing changed: nothing announced"


def test_scattered_changes_are_announced_as_one_range_and_neighbours_as_runs():
    assert row_runs([5, 1, 2, 3, 9]) == [(1, 3), (5, 5), (9, 9)]
    assert row_runs(range(0, 5000, 3)) == [(0, 4998)], "a scatter of 1,667 rows: one range, not 1,667 signals"
    assert row_runs([]) == []
