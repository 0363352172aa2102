"""Cutting prose into sentences, and finding where the last whole sentence ends.

Used where a paragraph is judged sentence by sentence: which capitalised words
start a sentence (``facts``), which sentences of a variant say what the source
says (``services.keepability``), and where a text that was cut off in the middle
of a sentence can be trimmed back to (``last_sentence_end``).

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
brackets after it) followed by a space and what can start a sentence, or by the
end of the text. "Mr." and a few other abbreviations, and initials ("J. K."),
do not end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    "mr mrs ms dr st mt prof rev gen col capt lt sgt jr sr vs etc no vol fig approx esp inc ltd co".split()
)
"""Words that end with a full stop without ending the sentence (lower case, without the stop)."""

_END = re.compile(r"(?:[.!?]+|…)[\"'”’)\]]*(?=\s+(?![a-z])|\s*$)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.$")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset of its first character in the paragraph
    end: int  # offset just past its last character


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each with its offsets (pieces without a letter are dropped)."""
    found: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        stop = match.end()
        if _is_abbreviation(text[start:stop], text[stop : stop + 8]):
            continue
        _add(found, text, start, stop)
        start = stop
    _add(found, text, start, len(text))
    return found


def sentence_texts(text: str) -> list[str]:
    """``split_sentences`` as plain strings."""
    return [s.text for s in split_sentences(text)]


def last_sentence_end(text: str) -> int | None:
    """Offset just past the last complete sentence of ``text``, or None when no sentence is complete.

    A text whose last sentence is complete ends there; a text cut off mid-sentence
    ends where the sentence before it ended.
    """
    stripped = text.rstrip()
    ends = [
        m.end()
        for m in _END.finditer(stripped)
        if not _is_abbreviation(stripped[: m.end()], stripped[m.end() : m.end() + 8])
    ]
    return ends[-1] if ends else None


def ends_a_sentence(text: str) -> bool:
    """Whether ``text`` ends with a complete sentence (not cut off in the middle of one)."""
    stripped = text.rstrip()
    return bool(stripped) and last_sentence_end(stripped) == len(stripped)


def _is_abbreviation(piece: str, after: str = "") -> bool:
    """Whether ``piece`` ends with an abbreviation's or an initial's full stop rather than a sentence's.

    ``after`` is the text that follows: "No." abbreviates only before a number ("No. 5"); "She said no." ends.
    """
    found = _WORD_BEFORE.search(piece)
    if found is None:
        return False
    word = found.group(1)
    if word.lower() == "no":
        return after.lstrip()[:1].isdigit()
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _add(found: list[Sentence], text: str, start: int, stop: int) -> None:
    piece = text[start:stop]
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    if any(c.isalpha() for c in body):
        found.append(Sentence(body, start + lead, start + lead + len(body)))
