"""The edits to a draft that take several steps, each saved as a single transaction.

``DraftSession`` is the one way to change a draft's cards; it calls these for the
edits that touch several rows at once (split, merge, accept) and ``Project``
directly for the single-row ones (type, insert, move, delete, pin or discard).
Accepting a variant never loses text: the words it replaces stay in the stack, so
every swap can be undone by accepting them back.
"""

from __future__ import annotations

from cardwriter.domain.model import Card, Provenance, Variant, VariantKind, VariantState
from cardwriter.errors import UserError
from cardwriter.storage.project import Project


def split_card(project: Project, card_id: str, offset: int, new_card_id: str | None = None) -> Card:
    """Split a card at ``offset``, as Enter does: the text after it becomes a new card below.

    The new card inherits the separator that followed the original; the
    original is then followed by a blank line. Returns the new card.
    """
    with project.transaction():
        original = project.card(card_id)
        if not 0 <= offset <= len(original.text):
            raise UserError(f"cannot split at {offset}: the card has {len(original.text)} characters")
        head, tail = original.text[:offset], original.text[offset:]
        newline = "\r\n" if "\r\n" in original.separator else "\n"
        project.set_card_text(card_id, head)
        project.set_card_separator(card_id, newline * 2)
        card = Card(text=tail, separator=original.separator)
        if new_card_id is not None:  # redo gives the card back the id later edits refer to
            card.id = new_card_id
        project.insert_card(original.draft_id, original.position + 1, card)
    return card


def merge_with_previous(project: Project, card_id: str) -> str:
    """Join a card onto the end of the card above it, as Backspace does.

    The texts are joined as they are (splitting at the join gives both back);
    the card above keeps the merged text and takes over this card's separator
    and stack. Returns the id of the card above.
    """
    with project.transaction():
        card = project.card(card_id)
        if card.position == 0:
            raise UserError("the first card has no card above it to merge with")
        above_id = project.card_ids(card.draft_id)[card.position - 1]
        above = project.card(above_id).text
        project.set_card_text(above_id, above + card.text)
        project.set_card_separator(above_id, card.separator)
        project.move_variants(card_id, above_id)
        project.delete_card(card_id)
    return above_id


def accept_variant(project: Project, card_id: str, variant_id: str) -> None:
    """Swap a variant into its card; the replaced text stays in the stack, and the time is recorded."""
    with project.transaction():
        variants = {v.id: v for v in project.variants(card_id)}
        if variant_id not in variants:
            raise UserError("that variant is not in this card's stack")
        current = project.card(card_id).text
        earlier = next((v for v in variants.values() if v.state is VariantState.ACCEPTED and v.text == current), None)
        if earlier is not None:
            project.set_variant_state(earlier.id, VariantState.IN_STACK)
        elif current.strip():
            original = Variant(text=current, provenance=Provenance(kind=VariantKind.ORIGINAL))
            project.add_variants(card_id, [original])
        project.set_card_text(card_id, variants[variant_id].text)
        project.set_variant_state(variant_id, VariantState.ACCEPTED)
        project.record_acceptance(card_id, variant_id)
