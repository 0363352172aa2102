"""Link cards: what a paragraph's stack offers besides generated text.

A link is not a variant: it is something the writer already has, brought back
because it is close in meaning to the paragraph. Two kinds:

- ``NOTE``: a note of the library ("from your notes"), to insert as a card, fuse
  into the paragraph, or open;
- ``ECHO``: another paragraph of the project that says the same thing ("you said
  this in Chapter 2"), to go to or compare side by side.

Links are worked out afresh from the text (never stored); only the writer's
"Not relevant" is kept, per card, in the project file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LinkKind(StrEnum):
    NOTE = "note"
    ECHO = "echo"


@dataclass(frozen=True)
class Link:
    """One link card: what it points at and how close it is to the paragraph (cosine)."""

    kind: LinkKind
    target_id: str  # the note's id, or the other card's id
    text: str  # the note's or the other paragraph's full text
    similarity: float
    source: str = ""  # a note's source (book, author, file); an echo's draft title
    draft_id: str | None = None  # an echo: the draft the other paragraph is in
    position: int | None = None  # an echo: the other paragraph's place in its draft, from 0


def link_counts(links: list[Link]) -> tuple[int, int]:
    """How many notes and echoes ``links`` holds."""
    notes = sum(link.kind is LinkKind.NOTE for link in links)
    return notes, len(links) - notes
