"""The link cards the card model holds beside each card's stack (``CardRole.LINKS``).

Links are worked out in the background from the text (the links feature sets them) and
never saved; the writer's "Not relevant" takes one off at once (``without``), its undo
puts it back in its place (``with_link``). What changed comes back as rows announced in
as few ranges as possible (``row_runs``): one update may name all 5,000 cards of a draft
and change three.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cardwriter.domain.links import Link, LinkKind

MAX_RANGES = 8  # more scattered rows than this changed at once: announced as one range over them all


def link_order(link: Link) -> tuple[bool, float]:
    """Notes first, then echoes; the strongest first within each."""
    return link.kind is not LinkKind.NOTE, -link.similarity


def row_runs(rows: Iterable[int], max_ranges: int = MAX_RANGES) -> list[tuple[int, int]]:
    """``rows`` as (first, last) runs of neighbours; one run over them all when there are more than ``max_ranges``."""
    ordered = sorted(set(rows))
    if not ordered:
        return []
    runs = [[ordered[0], ordered[0]]]
    for row in ordered[1:]:
        if row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    if len(runs) > max_ranges:
        return [(ordered[0], ordered[-1])]
    return [(first, last) for first, last in runs]


class LinkTable:
    """Card id -> its links (cards without any are not kept)."""

    def __init__(self) -> None:
        self._links: dict[str, list[Link]] = {}

    def get(self, card_id: str) -> list[Link]:
        return self._links.get(card_id, [])

    def update(self, links_by_card: Mapping[str, list[Link]]) -> list[str]:
        """Set each named card's links; returns the ids of the cards whose links changed."""
        changed = []
        for card_id, links in links_by_card.items():
            if self._links.get(card_id, []) == links:
                continue
            if links:
                self._links[card_id] = list(links)
            else:
                del self._links[card_id]
            changed.append(card_id)
        return changed

    def drop(self, card_id: str) -> None:
        self._links.pop(card_id, None)

    def without(self, card_id: str, target_id: str) -> list[Link]:
        """The card's links less the one pointing at ``target_id``."""
        return [link for link in self.get(card_id) if link.target_id != target_id]

    def with_link(self, card_id: str, link: Link) -> list[Link]:
        """The card's links with ``link`` back in its place."""
        return sorted([*self.without(card_id, link.target_id), link], key=link_order)
