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

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
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
    heading = _HEADING.match(text) if "\n" not in text else None
    if heading:
        return Block(parse_inline(heading.group(2) or ""), heading=len(heading.group(1)))
    return Block(parse_inline(text))


# -- inline emphasis ------------------------------------------------------------


@dataclass
class _Delimiter:
    """A run of ``*`` or ``_`` that may open or close emphasis (CommonMark's delimiter run)."""

    char: str
    count: int  # characters not yet used by a match
    original: int
    can_open: bool
    can_close: bool
    opens: list  # strong? for each match this run opens, innermost first
    closes: list  # strong? for each match this run closes, innermost first
    active: bool = True


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _is_punct(ch: str) -> bool:
    return ch != "" and (ch in _ESCAPABLE or unicodedata.category(ch).startswith(("P", "S")))


def _delimiter(char: str, count: int, before: str, after: str) -> _Delimiter:
    left = not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))
    right = not _is_space(before) and (not _is_punct(before) or _is_space(after) or _is_punct(after))
    if char == "*":
        can_open, can_close = left, right
    else:  # "_" never opens or closes inside a word
        can_open = left and (not right or _is_punct(before))
        can_close = right and (not left or _is_punct(after))
    return _Delimiter(char, count, count, can_open, can_close, [], [])


def _tokens(text: str) -> list:
    """Literal strings and delimiter runs, with escapes resolved and code spans kept as they are."""
    tokens: list = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in _ESCAPABLE:
            literal.append(text[i + 1])
            i += 2
        elif ch == "`":
            ticks = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * ticks, i + ticks)
            while end != -1 and text[end + ticks : end + ticks + 1] == "`":  # a longer run does not close it
                end = text.find("`" * ticks, end + ticks + 1)
            stop = i + ticks if end == -1 else end + ticks
            literal.append(text[i:stop])
            i = stop
        elif ch in "*_":
            j = i
            while j < n and text[j] == ch:
                j += 1
            if literal:
                tokens.append("".join(literal))
                literal = []
            tokens.append(_delimiter(ch, j - i, text[i - 1] if i else "", text[j] if j < n else ""))
            i = j
        else:
            literal.append(ch)
            i += 1
    if literal:
        tokens.append("".join(literal))
    return tokens


def _match_emphasis(tokens: list) -> None:
    """CommonMark's "process emphasis": pair closers with the nearest fitting opener before them."""
    delims = [t for t in tokens if isinstance(t, _Delimiter)]
    for c, closer in enumerate(delims):
        while closer.can_close and closer.count:
            opener_at = None
            for o in range(c - 1, -1, -1):
                opener = delims[o]
                if not (opener.active and opener.can_open and opener.count and opener.char == closer.char):
                    continue
                both = opener.can_close or closer.can_open
                if (
                    both
                    and (opener.original + closer.original) % 3 == 0
                    and (opener.original % 3 or closer.original % 3)
                ):
                    continue  # the "rule of three"
                opener_at = o
                break
            if opener_at is None:
                break
            opener = delims[opener_at]
            used = 2 if opener.count >= 2 and closer.count >= 2 else 1
            opener.count -= used
            closer.count -= used
            opener.opens.append(used == 2)
            closer.closes.append(used == 2)
            for between in delims[opener_at + 1 : c]:
                between.active = False  # delimiters inside a match can no longer pair across it


def parse_inline(text: str) -> tuple[Run, ...]:
    """Runs of ``text`` with its Markdown emphasis applied and the markers removed."""
    tokens = _tokens(text)
    _match_emphasis(tokens)
    runs: list[Run] = []
    bold = italic = 0

    def emit(piece: str) -> None:
        if not piece:
            return
        if runs and (runs[-1].bold, runs[-1].italic) == (bold > 0, italic > 0):
            runs[-1] = Run(runs[-1].text + piece, bold > 0, italic > 0)
        else:
            runs.append(Run(piece, bold > 0, italic > 0))

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
    return tuple(runs)


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
    attempts = (
        list(runs),
        [r if not _punct_edged(r) else Run(r.text) for r in runs],
        [Run(r.text) for r in runs],
    )
    for attempt in attempts:
        text = _render(attempt)
        if formatting(parse_inline(text)) == formatting(attempt):
            break
    if heading:
        return "#" * heading + " " + text
    return text


def formatting(runs: Sequence[Run]) -> tuple[Run, ...]:
    """Runs as a reader sees them: stripped of outer whitespace, whitespace unformatted, equal neighbours merged."""
    text = "".join(run.text for run in runs)
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    merged: list[Run] = []
    at = 0
    for run in runs:
        for offset, ch in enumerate(run.text):
            if not start <= at + offset < end:
                continue
            bold, italic = (False, False) if ch.isspace() else (run.bold, run.italic)
            if merged and (merged[-1].bold, merged[-1].italic) == (bold, italic):
                merged[-1] = Run(merged[-1].text + ch, bold, italic)
            else:
                merged.append(Run(ch, bold, italic))
        at += len(run.text)
    return tuple(merged)


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
        out.append(_escape(core, first=not "".join(out).strip()))
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
