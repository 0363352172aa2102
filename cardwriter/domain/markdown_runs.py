"""A card's Markdown as a document block: a heading level and runs of plain, bold and italic text.

Word, ODF, HTML and PDF exports need each card as formatted text, and the
imports need the way back. A card is one of:

- an ATX heading (``# Title`` … ``###### Title``): its level and its text;
- a fenced code block: kept as literal text, no emphasis;
- anything else (a paragraph, a list, a quote): literal text with inline
  emphasis parsed.

Emphasis follows CommonMark's delimiter rules closely enough for prose:
``*italic*``, ``_italic_``, ``**bold**``, ``__bold__`` and their nestings,
with the flanking rules (``snake_case`` and ``2 * 3 * 4`` stay literal),
backslash escapes, and code spans left alone. Line breaks inside a card are
kept as line breaks: the writer typed them and sees them in the card.

The way back, from runs to Markdown, is ``markdown_writing``.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

_HEADING_OPEN = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")  # a fenced code block opens (``markdown_writing`` escapes one)
_BACKTICKS = re.compile(r"`+")
# What may mean something in inline Markdown: an escape (a backslash before ASCII punctuation),
# a run of backticks, a run of "*" or of "_".
_MARKUP = re.compile(r"\\[!-/:-@\[-`{-~]|`+|\*+|_+")
_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """One card as a document paragraph: ``heading`` is 1–6 for a heading, 0 for body text."""

    runs: tuple[Run, ...]
    heading: int = 0

    @property
    def text(self) -> str:
        """The visible text, formatting left out."""
        return "".join(run.text for run in self.runs)


def block_from_markdown(card_text: str) -> Block:
    """The formatted block a card's Markdown stands for (line endings become ``\\n``)."""
    text = card_text.replace("\r\n", "\n").replace("\r", "\n")
    if FENCE.match(text):
        return Block((Run(text),) if text else ())
    heading = _HEADING_OPEN.match(text) if "\n" not in text else None
    if heading:
        return Block(parse_inline(_heading_content(text[heading.end() :])), heading=len(heading.group(1)))
    return Block(parse_inline(text))


def _heading_content(rest: str) -> str:
    """A heading's text after its ``#`` marks: outer spaces and tabs and a closing ``#`` sequence left out.

    Done with string operations, not one regular expression, so a long
    heading (or one of a million spaces) takes linear time.
    """
    content = rest.strip(" \t")
    before = content.rstrip("#")
    if before != content and before[-1:] in (" ", "\t"):  # "Title ##": the closing sequence is not text
        return before.rstrip(" \t")
    return content


# -- inline emphasis ------------------------------------------------------------


@dataclass(slots=True)
class _Delimiter:
    """A run of ``*`` or ``_`` that may open or close emphasis (CommonMark's delimiter run)."""

    char: str
    count: int  # characters not yet used by a match
    original: int
    can_open: bool
    can_close: bool
    # Strong? for each match this run opens or closes, innermost first. Tuples, mostly the shared empty
    # one: a long paragraph has hundreds of thousands of delimiters, and fewer objects are less to collect.
    opens: tuple[bool, ...] = ()
    closes: tuple[bool, ...] = ()
    active: bool = True


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def is_punct(ch: str) -> bool:
    """Whether ``ch`` is punctuation or a symbol, for the flanking rules ("" is not)."""
    return ch != "" and (ch in _ESCAPABLE or unicodedata.category(ch).startswith(("P", "S")))


def _delimiter(char: str, count: int, before: str, after: str) -> _Delimiter:
    can_open, can_close = _can_open_close(char, before, after)
    return _Delimiter(char, count, count, can_open, can_close)


@functools.lru_cache(maxsize=4096)
def _can_open_close(char: str, before: str, after: str) -> tuple[bool, bool]:
    """Whether a run of ``char`` between ``before`` and ``after`` (one character each, or "") may open, close."""
    left = not _is_space(after) and (not is_punct(after) or _is_space(before) or is_punct(before))
    right = not _is_space(before) and (not is_punct(before) or _is_space(after) or is_punct(after))
    if char == "*":
        return left, right
    # "_" never opens or closes inside a word
    return left and (not right or is_punct(before)), right and (not left or is_punct(after))


class _BacktickRuns:
    """Where each run of backticks of a given length starts, to find a code span's closing run quickly."""

    def __init__(self, text: str) -> None:
        self._starts: dict[int, list[int]] = {}
        for match in _BACKTICKS.finditer(text):
            self._starts.setdefault(match.end() - match.start(), []).append(match.start())

    def closing(self, ticks: int, after: int) -> int:
        """The start of the first run of exactly ``ticks`` backticks at or after ``after``, or -1."""
        starts = self._starts.get(ticks, [])
        at = bisect.bisect_left(starts, after)
        return starts[at] if at < len(starts) else -1


def _tokens(text: str) -> list:
    """Literal strings and delimiter runs, with escapes resolved and code spans kept as they are.

    Linear in the text: the loop visits only what may mean something
    (escapes, backticks, ``*`` and ``_`` runs), and a code span's closing
    backticks are looked up, not searched for again from every opening run.
    """
    tokens: list = []
    literal: list[str] = []
    backticks: _BacktickRuns | None = None
    n = len(text)
    at = 0
    found = _MARKUP.search(text)
    while found:
        start, stop = found.span()
        if start > at:
            literal.append(text[at:start])
        first = text[start]
        if first == "\\":
            literal.append(text[start + 1])
        elif first == "`":
            ticks = stop - start
            if backticks is None:
                backticks = _BacktickRuns(text)
            end = backticks.closing(ticks, stop)  # a longer or shorter run does not close it
            if end != -1:
                stop = end + ticks
            literal.append(text[start:stop])
        else:
            if literal:
                tokens.append("".join(literal))
                literal = []
            tokens.append(
                _delimiter(first, stop - start, text[start - 1] if start else "", text[stop] if stop < n else "")
            )
        at = stop
        found = _MARKUP.search(text, at)
    if at < n:
        literal.append(text[at:])
    if literal:
        tokens.append("".join(literal))
    return tokens


def _match_emphasis(tokens: list) -> None:
    """CommonMark's "process emphasis": pair closers with the nearest fitting opener before them.

    Linear time, as in CommonMark's reference: the delimiters that can
    still open are kept on a stack (a match drops those above its opener,
    which can no longer pair across it), and a closer that found no opener
    records how far down it looked, so the next closer of its kind (same
    character, same ability to open, same length modulo 3) stops there.
    """
    delims = [t for t in tokens if isinstance(t, _Delimiter)]
    openers: list[int] = []  # indexes into delims of active delimiters that can open and have count left
    bottom: dict[tuple[str, bool, int], int] = {}  # closer kind -> index at or below which no opener fits
    for c, closer in enumerate(delims):
        key = (closer.char, closer.can_open, closer.original % 3)
        while closer.can_close and closer.count:
            floor = bottom.get(key, -1)
            at = len(openers) - 1
            while at >= 0 and openers[at] > floor:
                opener = delims[openers[at]]
                if opener.char == closer.char and not (
                    (opener.can_close or closer.can_open)
                    and (opener.original + closer.original) % 3 == 0
                    and (opener.original % 3 or closer.original % 3)
                ):  # the "rule of three" keeps some pairs apart
                    break
                at -= 1
            if at < 0 or openers[at] <= floor:
                bottom[key] = c - 1
                break
            opener = delims[openers[at]]
            for between in openers[at + 1 :]:
                delims[between].active = False  # delimiters inside a match can no longer pair across it
            del openers[at + 1 :]
            used = 2 if opener.count >= 2 and closer.count >= 2 else 1
            opener.count -= used
            closer.count -= used
            opener.opens += (used == 2,)
            closer.closes += (used == 2,)
            if not opener.count:
                openers.pop()
        if closer.can_open and closer.count and closer.active:
            openers.append(c)


def parse_inline(text: str) -> tuple[Run, ...]:
    """Runs of ``text`` with its Markdown emphasis applied and the markers removed."""
    tokens = _tokens(text)
    _match_emphasis(tokens)
    pieces: list[tuple[list[str], bool, bool]] = []  # each run's text in pieces, joined once at the end
    bold = italic = 0

    def emit(piece: str) -> None:
        if not piece:
            return
        if pieces and (pieces[-1][1], pieces[-1][2]) == (bold > 0, italic > 0):
            pieces[-1][0].append(piece)
        else:
            pieces.append(([piece], bold > 0, italic > 0))

    for token in tokens:
        if isinstance(token, str):
            emit(token)
            continue
        for strong in token.closes:
            if strong:
                bold -= 1
            else:
                italic -= 1
        emit(token.char * token.count)  # what no match used stays literal
        for strong in reversed(token.opens):
            if strong:
                bold += 1
            else:
                italic += 1
    return tuple(Run("".join(parts), b, i) for parts, b, i in pieces)
