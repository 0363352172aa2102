"""Which of a paragraph's words a close rewrite may reword, and which tokens it may write of its own.

A close rewrite (``close_run``) copies the paragraph and lets the model reword
it at a few places. Who did what, whether, how many and how long stay the
paragraph's: names, numbers, pronouns, negations, number words, units of time
and quotation marks are never reworded, and the model never writes new ones.
These rules work on token texts (pieces), so they are plain string tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from cardwriter.domain.facts import NUMBER_WORDS, ORDINALS

_RISKY = re.compile(r"\s*[A-Z0-9]")  # a token that could start a name or a number
_PRONOUN_I = re.compile(r"\s*I(?:'\w*)?\s*$")
_SHAPE = re.compile(r"[^ A-Za-z',.;:!?()\u2019-]")  # quotation marks, line breaks, markup, symbols, digits
_QUOTE = re.compile(r"\s*'(?!(?:t|s|d|ll|re|ve|m)\b)")  # a single quotation mark, not a contraction
_EDITABLE = re.compile(r" [a-z]")  # a word start in lower case: a place a close rewrite may reword
# words a close rewrite never rewords nor writes of its own: who (pronouns), whether (negations),
# how many and how long (number words, units of time)
_FIXED_WORDS = (
    frozenset(
        "he she it they we you i him her them us me his hers its their theirs our ours your yours my mine "
        "himself herself itself themselves ourselves myself yourself not no never nor "
        "second seconds minute minutes hour hours day days week weeks month months year years decade decades "
        "century centuries one once twice half both before after up down out off over under above below "
        "more less most least early late always only all every any none nothing everything "
        "father mother son daughter brother sister husband wife uncle aunt cousin friend man woman boy girl "
        "n't 't".split()
    )
    | NUMBER_WORDS
    | frozenset(ORDINALS)
)


def editable(pieces: Sequence[str]) -> list[bool]:
    """Per paragraph token: whether a place may start there (a lower-case word start, not the first, not fixed)."""
    return [
        p > 0 and bool(_EDITABLE.match(piece)) and piece.strip().lower() not in _FIXED_WORDS
        for p, piece in enumerate(pieces)
    ]


def protected(pieces: Sequence[str]) -> list[bool]:
    """Per paragraph token: whether the model's words may never replace it.

    Names, numbers, pronouns, negations, quotation marks.
    """
    return [bool(_RISKY.match(x) or _SHAPE.search(x)) or x.strip().lower() in _FIXED_WORDS for x in pieces]


def plain_tokens(texts: Sequence[str]) -> np.ndarray:
    """Per vocabulary token text: whether a close rewrite may write it at a place.

    Not a token that starts (after spaces) with a capital letter or a digit (a name or
    a number: the paragraph's own stay where they are, none is added or swapped; "I"
    may be written), nor one with a quotation mark or a line break (dialogue keeps its
    shape), nor a pronoun, a negation, a number word or a unit of time (who, whether and
    how long stay the paragraph's).
    """
    return np.array(
        [
            (not _RISKY.match(x) or _PRONOUN_I.match(x) is not None)
            and not _SHAPE.search(x)
            and not _QUOTE.match(x)
            and x.strip().lower() not in _FIXED_WORDS
            for x in texts
        ]
    )
