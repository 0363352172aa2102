"""Find and replace across a draft's cards (and, as an option, the notes): pure functions, no Qt.

The find bar (gui/find_bar.py) builds a ``FindOptions`` from its fields, asks
``compile_pattern`` for the pattern (a bad regular expression raises
``BadPattern``, whose message the bar shows), then ``find_all`` for every match
in the cards and notes, ``step`` for the next or previous match from the cursor,
``replace_in_text`` for the new text of each card when replacing, and
``replace_in_notes`` for the notes that change.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cardwriter.domain.model import Note
from cardwriter.errors import UserError


class BadPattern(UserError):
    """The regular expression typed in the find bar does not compile."""


@dataclass(frozen=True)
class FindOptions:
    text: str
    match_case: bool = False
    whole_word: bool = False
    regex: bool = False


@dataclass(frozen=True)
class Match:
    card_id: str  # the card's id; a note's id when ``in_note``
    start: int
    end: int
    in_note: bool = False


def compile_pattern(options: FindOptions) -> re.Pattern | None:
    """The pattern for ``options``; None when there is nothing to find.

    Plain text is matched literally; "whole word" means no letter, digit or
    underscore touches the match on either side (so "sea" does not match in
    "seagull", and a search for "it's" still works).
    """
    if not options.text:
        return None
    body = options.text if options.regex else re.escape(options.text)
    if options.whole_word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    flags = 0 if options.match_case else re.IGNORECASE
    try:
        pattern = re.compile(body, flags)
    except re.error as exc:
        raise BadPattern(
            f"Not a valid regular expression: {exc.msg}" + (f" at position {exc.pos}" if exc.pos is not None else "")
        ) from exc
    if pattern.search("") is not None and options.regex:
        raise BadPattern("This regular expression matches empty text; add something it must find")
    return pattern


def find_in_text(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    """(start, end) of every match of ``pattern`` in ``text``, in order, none empty."""
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


def find_all(
    cards: Iterable[tuple[str, str]], pattern: re.Pattern, notes: Iterable[tuple[str, str]] = ()
) -> list[Match]:
    """Every match in ``cards`` ((card id, text) in draft order), in reading order, then in ``notes``
    ((note id, text) as the notes panel lists them)."""
    found = [Match(card_id, start, end) for card_id, text in cards for start, end in find_in_text(text, pattern)]
    return found + [
        Match(note_id, start, end, in_note=True)
        for note_id, text in notes
        for start, end in find_in_text(text, pattern)
    ]


def step(
    matches: list[Match], order: dict[str, int], card_id: str, offset: int, backwards: bool = False
) -> Match | None:
    """The match after (or before) ``offset`` in ``card_id``, wrapping round the draft.

    ``order`` maps card ids (and note ids, after the cards) to their places. Forwards, the first match starting at
    or after the offset (pass the end of the current selection); backwards, the
    last one starting before it (pass the start of the selection), so repeated
    steps never stay on one match.
    """
    if not matches:
        return None
    here = (order.get(card_id, -1), offset)
    if backwards:
        before = [m for m in matches if (order[m.card_id], m.start) < here]
        return before[-1] if before else matches[-1]
    after = [m for m in matches if (order[m.card_id], m.start) >= here]
    return after[0] if after else matches[0]


def replace_in_text(text: str, pattern: re.Pattern, replacement: str, regex: bool) -> tuple[str, int]:
    """``text`` with every match replaced, and how many were.

    With a regular expression, ``\\1`` and ``\\g<name>`` in ``replacement`` bring
    in groups; otherwise the replacement is taken literally, backslashes and all.
    """
    count = 0

    def swap(found: re.Match) -> str:
        nonlocal count
        if found.end() == found.start():
            return found.group(0)
        count += 1
        return found.expand(replacement) if regex else replacement

    try:
        new = pattern.sub(swap, text)
    except (re.error, IndexError) as exc:
        raise BadPattern(f"The replacement does not fit the expression: {exc}") from exc
    return new, count


def replace_in_notes(
    notes: Iterable[Note], pattern: re.Pattern, replacement: str, regex: bool
) -> tuple[list[tuple[Note, Note]], int]:
    """(note as it is, note with every match replaced) for each note that changes, and how many matches were."""
    changes, total = [], 0
    for note in notes:
        new, count = replace_in_text(note.text, pattern, replacement, regex)
        if count:
            changes.append((note, dataclasses.replace(note, text=new)))
            total += count
    return changes, total


def replace_one(text: str, match: Match, pattern: re.Pattern, replacement: str, regex: bool) -> str:
    """``text`` with only the match at ``match`` replaced (the one the writer is looking at)."""
    found = pattern.match(text, match.start)
    if found is None or found.end() != match.end:
        return text
    try:
        new = found.expand(replacement) if regex else replacement
    except (re.error, IndexError) as exc:
        raise BadPattern(f"The replacement does not fit the expression: {exc}") from exc
    return text[: match.start] + new + text[match.end :]
