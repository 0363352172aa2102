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

The way back, ``markdown_from_runs``, writes ``*`` and ``**`` and escapes
characters that would otherwise start emphasis, so text -> runs -> text
keeps the formatting.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_HEADING_OPEN = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_LINE_BREAK_TO_SPACE = str.maketrans("\r\n", "  ")
_SPACES_OR_NOT = re.compile(r"\s+|\S+")
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
    if _FENCE.match(text):
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


def _is_punct(ch: str) -> bool:
    return ch != "" and (ch in _ESCAPABLE or unicodedata.category(ch).startswith(("P", "S")))


def _delimiter(char: str, count: int, before: str, after: str) -> _Delimiter:
    can_open, can_close = _can_open_close(char, before, after)
    return _Delimiter(char, count, count, can_open, can_close)


@functools.lru_cache(maxsize=4096)
def _can_open_close(char: str, before: str, after: str) -> tuple[bool, bool]:
    """Whether a run of ``char`` between ``before`` and ``after`` (one character each, or "") may open, close."""
    left = not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))
    right = not _is_space(before) and (not _is_punct(before) or _is_space(after) or _is_punct(after))
    if char == "*":
        return left, right
    # "_" never opens or closes inside a word
    return left and (not right or _is_punct(before)), right and (not left or _is_punct(after))


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


# -- back to Markdown -------------------------------------------------------------


def markdown_from_runs(runs: tuple[Run, ...] | list[Run], heading: int = 0) -> str:
    """Markdown for formatted runs (an imported paragraph), ``#`` marks for a heading.

    Emphasis markers are placed against the words (``*word* ``, never
    ``*word *``), since Markdown ignores a marker next to a space; nested
    formatting closes the inner marker first. Markdown cannot say
    everything a word processor can (an italic quotation mark glued to a
    plain letter, say): the result is read back, and formatting that would
    not survive is dropped, first where a run starts or ends with
    punctuation, then for the whole paragraph. The text itself always
    survives.
    """
    if heading:  # a heading is one line in Markdown: a line break in it becomes a space
        runs = [Run(r.text.translate(_LINE_BREAK_TO_SPACE), r.bold, r.italic) for r in runs]
    attempts = (
        list(runs),
        [r if not _punct_edged(r) else Run(r.text) for r in runs],
    )
    for attempt in attempts:
        text = _render(attempt)
        if not any(r.bold or r.italic for r in attempt):
            break  # plain text: the escapes keep it plain
        if _formatting_key(parse_inline(text)) == _formatting_key(attempt):
            break
    else:
        text = _render([Run(r.text) for r in runs])
    if heading:
        return "#" * heading + " " + _escape_closing_hashes(text)
    return text


def formatting(runs: Sequence[Run]) -> tuple[Run, ...]:
    """Runs as a reader sees them: stripped of outer whitespace, whitespace unformatted, equal neighbours merged."""
    text = "".join(run.text for run in runs)
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    merged: list[tuple[list[str], bool, bool]] = []
    at = 0
    for run in runs:
        lo, hi = max(start - at, 0), min(end - at, len(run.text))
        at += len(run.text)
        if lo >= hi:
            continue
        inside = run.text[lo:hi]
        # Plain text is one piece; formatted text is pieces of words and of whitespace (never formatted).
        for piece in _SPACES_OR_NOT.findall(inside) if run.bold or run.italic else (inside,):
            bold, italic = (False, False) if piece[0].isspace() else (run.bold, run.italic)
            if merged and (merged[-1][1], merged[-1][2]) == (bold, italic):
                merged[-1][0].append(piece)
            else:
                merged.append(([piece], bold, italic))
    return tuple(Run("".join(parts), bold, italic) for parts, bold, italic in merged)


def _formatting_key(runs: Sequence[Run]) -> tuple[str, list[tuple[int, int, bool, bool]]]:
    """What ``formatting`` shows, compactly: equal for two run lists exactly when their ``formatting`` is.

    The visible text (outer whitespace stripped) and the formatted stretches
    of it, each from a non-space character to a non-space character, merged
    with the next when only whitespace lies between and the formatting is
    the same. Work per run, not per character or word, so long paragraphs
    of many runs compare quickly.
    """
    text = "".join(run.text for run in runs)
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    spans: list[tuple[int, int, bool, bool]] = []
    at = 0
    for run in runs:
        lo, hi = max(start, at), min(end, at + len(run.text))
        at += len(run.text)
        if lo >= hi or not (run.bold or run.italic):
            continue
        piece = text[lo:hi]
        core = piece.lstrip()
        if not core:
            continue
        first, last = lo + len(piece) - len(core), lo + len(piece.rstrip())
        if spans and spans[-1][2:] == (run.bold, run.italic):
            previous = spans[-1][1]
            if previous == first or text[previous:first].isspace():
                spans[-1] = (spans[-1][0], last, run.bold, run.italic)
                continue
        spans.append((first, last, run.bold, run.italic))
    return text[start:end], [(a - start, b - start, bold, italic) for a, b, bold, italic in spans]


def _escape_closing_hashes(text: str) -> str:
    """A heading's text ending in `` #``: backslash the last ``#``, or Markdown takes the marks as a closing sequence."""
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        return text[:-1] + "\\#"
    return text


def _punct_edged(run: Run) -> bool:
    core = run.text.strip()
    return bool(core) and (_is_punct(core[0]) or _is_punct(core[-1]))


def _render(runs: list[Run]) -> str:
    """Markdown for the runs, markers against the words, nested markers closed innermost first."""
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic)
        else:
            merged.append(run)
    out: list[str] = []
    open_marks: list[str] = []  # "**" and "*", outermost first
    pending_space = ""
    started = False  # whether any text (not only spaces) has been written yet
    for run in merged:
        core = run.text.strip()
        if not core:
            pending_space += run.text
            continue
        lead = run.text[: len(run.text) - len(run.text.lstrip())]
        trail = run.text[len(run.text.rstrip()) :]
        wanted = ["**"] * run.bold + ["*"] * run.italic
        while open_marks and not all(mark in wanted for mark in open_marks):
            out.append(open_marks.pop())
        out.append(pending_space + lead)
        for mark in wanted:
            if mark not in open_marks:
                open_marks.append(mark)
                out.append(mark)
        out.append(_escape(core, first=not (started or wanted)))  # no marker or text before it
        started = True
        pending_space = trail
    out.extend(reversed(open_marks))
    out.append(pending_space)
    return "".join(out).strip()


def _escape(text: str, first: bool) -> str:
    """Backslash the characters that would turn literal text into Markdown formatting."""
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`")
    text = re.sub(r"(?<![^\W_])_|_(?![^\W_])", r"\\_", text)  # "_" at a word's edge could be emphasis
    if first and (text.startswith("#") or _FENCE.match(text)):
        text = "\\" + text
    return text
