"""Edits a draft session holds in memory only while saving fails, and writing them once it works.

``DraftSession`` keeps typing, split, merge, insert, delete and move working
while the project file cannot be written: the draft in memory is then ahead
of the file. ``UnsavedEdits`` describes the difference (what a recovery file
must keep); ``write_pending`` brings the file to the draft in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardwriter.domain import attribution
from cardwriter.domain.model import Card, Draft
from cardwriter.storage.project import Project


@dataclass
class UnsavedEdits:
    """What the project file lacks of a draft while saving fails: what a recovery file must keep.

    ``texts`` and ``separators``: the cards whose text (or the whitespace after it)
    is not in the file, new cards included. ``order``: every card of the draft, in
    order, when the file has them in another order or lacks some (else None).
    ``removed``: cards the file still has that the draft no longer has.
    """

    draft_id: str
    texts: dict[str, str] = field(default_factory=dict)
    separators: dict[str, str] = field(default_factory=dict)
    order: list[str] | None = None
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.texts or self.order is not None or self.removed)


def write_pending(project: Project, draft: Draft, dirty: set[str]) -> None:
    """Write what the file lacks of ``draft``, in one transaction; ``SaveFailed`` if it still fails.

    The file is brought to what the draft holds: new cards inserted, changed
    cards (``dirty``: text, separator, origins, stack) written, removed cards
    deleted, and the order put right. Only the cards changed meanwhile are written.
    """
    draft_id = draft.id
    with project.transaction():
        in_file = project.card_ids(draft_id)
        present = set(in_file)
        wanted = [card.id for card in draft.cards]
        for card in draft.cards:
            if card.id not in present:  # new since: its stack follows below, as a changed card's does
                project.insert_card(draft_id, len(in_file), Card(card.text, card.separator, [], card.id))
                in_file.append(card.id)
        kept = set(wanted)
        touched = [card_id for card_id in in_file if card_id in dirty or card_id not in kept]
        owner = {v.id: card_id for card_id in touched for v in project.variants(card_id)}  # where stacks moved from
        changed = [card for card in draft.cards if card.id in dirty]
        for card in changed:
            project.set_card_text(card.id, card.text)
            project.set_card_separator(card.id, card.separator)
            project.set_card_origins(card.id, attribution.valid(card.text, card.origins))
            _gather_stack(project, card, owner)
        for card in changed:  # only once every stack has gathered its variants from the others
            mine = {v.id for v in card.variants}
            gone = [v.id for v in project.variants(card.id) if v.id not in mine]
            if gone:
                project.restore_variants(card.id, [], gone)
        for card_id in [card_id for card_id in in_file if card_id not in kept]:
            project.delete_card(card_id)
            in_file.remove(card_id)
        for index, card_id in enumerate(wanted):
            if in_file[index] != card_id:
                project.move_card(card_id, index)
                in_file.remove(card_id)
                in_file.insert(index, card_id)


def _gather_stack(project: Project, card: Card, owner: dict[str, str]) -> None:
    """Give ``card``'s variants back to it in the file: some may sit on another card, some be missing."""
    for variant in card.variants:
        holder = owner.get(variant.id)
        if holder is None:
            project.add_variants(card.id, [variant])
        elif holder != card.id:
            project.move_variants(holder, card.id, [variant.id])
        owner[variant.id] = card.id
