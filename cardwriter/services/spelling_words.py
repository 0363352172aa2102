"""Which stretches of a paragraph are words to spell-check: a pure splitter, no dictionary.

A word is a run of letters, with apostrophes inside it ("don't", "keeper's",
"o'clock"); curly apostrophes count as straight ones. Hyphens split ("sea-green"
is "sea" and "green"). Runs touching digits ("3rd", "mp3"), words in capitals
only ("NASA"), and web or mail addresses are not checked: they are rarely
misspellings, and marking them would be noise.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SKIPPED = re.compile(r"\S*(?:://|www\.|@)\S*|\S*\d\S*")


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) for every word of ``text`` to check, in order."""
    skipped = [(m.start(), m.end()) for m in SKIPPED.finditer(text)]
    found = []
    for match in WORD.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in skipped):
            continue
        word = match.group().replace("’", "'")
        if len(word) > 1 and word.isupper():
            continue
        found.append((start, end, word))
    return found


def stem(word: str) -> str:
    """The word without a possessive ending: "keeper's" is checked as "keeper"."""
    lower = word.lower()
    if lower.endswith("'s") and len(word) > 2:
        return word[:-2]
    if lower.endswith("s'") and len(word) > 2:
        return word[:-1]
    return word
