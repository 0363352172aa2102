"""Which words of a variant differ from the paragraph it varies: word-level diff spans.

A variant card marks what changed so the writer sees at a glance what a
variant does. Words are compared exactly (punctuation and case included),
with ``difflib``; the spans cover the variant's text exactly, so joining their
texts gives the variant back, spaces and line breaks included.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Span:
    """A stretch of the variant's text, and whether its words are new or changed."""

    text: str
    changed: bool


def word_diff(original: str, variant: str) -> list[Span]:
    """The variant's text cut into unchanged and changed spans, compared word by word with ``original``.

    Whitespace between two changed words belongs to the changed span (one mark, not two);
    whitespace next to an unchanged word is unchanged.
    """
    tokens = _TOKENS.findall(variant)
    words = [i for i, t in enumerate(tokens) if not t.isspace()]
    matcher = difflib.SequenceMatcher(None, original.split(), [tokens[i] for i in words], autojunk=False)
    changed_tokens: set[int] = set()
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert") and j2 > j1:
            first, last = words[j1], words[j2 - 1]
            changed_tokens.update(range(first, last + 1))  # the words and the spaces between them
    spans: list[Span] = []
    for i, token in enumerate(tokens):
        changed = i in changed_tokens
        if spans and spans[-1].changed == changed:
            spans[-1] = Span(spans[-1].text + token, changed)
        else:
            spans.append(Span(token, changed))
    return spans


def changed_words(original: str, variant: str) -> list[str]:
    """The variant's changed words, in order (for captions and tests)."""
    return [word for span in word_diff(original, variant) if span.changed for word in span.text.split()]


def word_distance(original: str, variant: str) -> int:
    """How many words differ between two texts: for each changed stretch, the longer side's word count."""
    a, b = original.split(), variant.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def changed_share(original: str, variant: str) -> float:
    """``word_distance`` as a share of the longer text's words (0.0: the same words; 1.0: none shared)."""
    longest = max(len(original.split()), len(variant.split()))
    return word_distance(original, variant) / longest if longest else 0.0
