"""Words and characters of a card, a draft and a project, as a reader would count them.

Counts are of the visible text: Markdown's heading marks, emphasis markers
and escapes are left out (``# *The* End`` is two words, seven characters),
as a word processor would count the exported document.

- A word is a run of letters or digits, joined by an apostrophe or hyphen
  or underscore inside it ("don't", "well-known", "1,000" and "snake_case" each count once); a dash or
  a lone "#" is not a word. Scripts written without spaces (Chinese,
  Japanese) count a whole unbroken run as one word.
- Characters include spaces and punctuation but not line breaks, like
  LibreOffice's "characters including spaces"; ``characters_no_spaces``
  leaves out all whitespace. Both count Unicode code points.

Counting a card is cached by its text, so recounting a draft of thousands of
cards as the writer types costs one lookup per unchanged card.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cardwriter.domain.markdown_runs import block_from_markdown
from cardwriter.domain.model import Draft

_WORD = re.compile(r"[^\W_]+(?:['’\-.,_][^\W_]+)*")


@dataclass(frozen=True)
class Counts:
    words: int = 0
    characters: int = 0  # spaces included, line breaks not
    characters_no_spaces: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.words + other.words,
            self.characters + other.characters,
            self.characters_no_spaces + other.characters_no_spaces,
        )


def count_text(visible: str) -> Counts:
    """Counts of plain text (no Markdown read)."""
    words = sum(1 for _ in _WORD.finditer(visible))
    characters = sum(1 for ch in visible if ch not in "\r\n")
    no_spaces = sum(1 for ch in visible if not ch.isspace())
    return Counts(words, characters, no_spaces)


@lru_cache(maxsize=20_000)
def count_card(card_text: str) -> Counts:
    """Counts of one card's visible text (its Markdown formatting left out)."""
    return count_text(block_from_markdown(card_text).text)


def count_texts(card_texts: Iterable[str]) -> Counts:
    """Counts of several cards together (a plain loop: this runs as the writer types)."""
    words = characters = no_spaces = 0
    for text in card_texts:
        counts = count_card(text)
        words += counts.words
        characters += counts.characters
        no_spaces += counts.characters_no_spaces
    return Counts(words, characters, no_spaces)


def count_draft(draft: Draft) -> Counts:
    return count_texts(card.text for card in draft.cards)


def count_project(drafts: Iterable[Draft]) -> Counts:
    """Counts of every draft of a project together (notes are not the writer's text and are left out)."""
    total = Counts()
    for draft in drafts:
        total = total + count_draft(draft)
    return total
