"""The things a writer works with: drafts of cards, stacks of variants, and notes.

Plain dataclasses with no behaviour beyond small conveniences. Storage,
generation and the GUI all speak in these types; none of them owns them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


def new_id() -> str:
    """A fresh identifier for a draft, card, variant or note."""
    return uuid.uuid4().hex


def utc_now() -> str:
    """The current time as an ISO 8601 string in UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class VariantKind(StrEnum):
    """What a variant does to its card's paragraph."""

    REWRITE = "rewrite"  # same meaning, other wording
    RESTYLE = "restyle"  # a named angle: plainer, more concrete, ...
    CONTINUE = "continue"  # what comes next
    RECOMBINE = "recombine"  # fused with one or two notes
    ORIGINAL = "original"  # text the writer had before accepting a variant


class VariantState(StrEnum):
    """Where a variant stands in its stack."""

    IN_STACK = "in_stack"
    ACCEPTED = "accepted"  # swapped into the card at some point
    DISCARDED = "discarded"
    PINNED = "pinned"


@dataclass(frozen=True)
class Provenance:
    """How a variant came to be, enough to explain it and to make it again."""

    kind: VariantKind
    angle: str | None = None
    model: str | None = None
    preset: str | None = None
    seed: int | None = None
    parent_id: str | None = None  # the variant this one was refined from
    note_ids: tuple[str, ...] = ()  # notes fused into it (recombine)
    created: str = field(default_factory=utc_now)


@dataclass
class Variant:
    """One alternative wording in a card's stack."""

    text: str
    provenance: Provenance
    state: VariantState = VariantState.IN_STACK
    id: str = field(default_factory=new_id)


@dataclass
class Card:
    """One paragraph (or heading, list, code block) of a draft.

    ``separator`` is the exact text that follows the paragraph in the file
    (usually a blank line); keeping it is what makes text -> cards -> text
    give back the same bytes.
    """

    text: str
    separator: str = "\n\n"
    variants: list[Variant] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    origins: str | None = field(default=None, compare=False)  # who wrote each word (domain.attribution)

    def stack(self) -> list[Variant]:
        """Variants still on offer: in the stack or pinned, pinned first."""
        live = [v for v in self.variants if v.state in (VariantState.PINNED, VariantState.IN_STACK)]
        return sorted(live, key=lambda v: v.state is not VariantState.PINNED)


@dataclass
class Draft:
    """An ordered column of cards.

    ``leading`` holds what comes before the first paragraph: a byte order
    mark or blank lines.
    """

    title: str
    cards: list[Card] = field(default_factory=list)
    leading: str = ""
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=utc_now)

    def text(self) -> str:
        """The draft as one document, exactly as it would be saved."""
        return self.leading + "".join(card.text + card.separator for card in self.cards)


@dataclass
class Note:
    """A passage the writer keeps: a quote, a fragment, an old paragraph."""

    text: str
    source: str = ""  # file, author, book: whatever the writer gives
    tags: tuple[str, ...] = ()
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=utc_now)
