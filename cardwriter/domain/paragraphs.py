"""Splitting a document into paragraph cards, exactly reversibly.

``draft_from_text(title, text).text() == text`` for every string: each card
keeps the exact whitespace that followed it (its separator), and whatever
precedes the first paragraph (a byte order mark, blank lines) is kept as the
draft's ``leading``.

A card is one of:
- a run of non-blank lines (a paragraph, a list, a block quote);
- one ATX heading line (``# Title``), even without a blank line after it;
- a fenced code block (```` ``` ```` or ``~~~``) with any blank lines inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardwriter.domain.model import Card, Draft

BOM = "\ufeff"

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|\Z)")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


def _lines(text: str) -> Iterator[tuple[str, str]]:
    """Yield (content, line ending) pairs; the last ending may be empty."""
    for match in _LINE.finditer(text):
        content, ending = match.groups()
        if content or ending:
            yield content, ending


def _is_blank(content: str) -> bool:
    return content.strip() == ""


def _closes_fence(content: str, fence: str) -> bool:
    stripped = content.lstrip(" ")
    if len(content) - len(stripped) > 3:
        return False
    run = len(stripped) - len(stripped.lstrip(fence[0]))
    return run >= len(fence) and stripped[run:].strip() == ""


def split_paragraphs(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split ``text`` into (leading, [(paragraph, separator), ...])."""
    leading = ""
    if text.startswith(BOM):
        leading, text = BOM, text[1:]
    lines = list(_lines(text))
    i = 0
    while i < len(lines) and _is_blank(lines[i][0]):
        leading += "".join(lines[i])
        i += 1

    blocks: list[tuple[str, str]] = []
    while i < len(lines):
        start = i
        first = lines[i][0]
        fence = _FENCE_OPEN.match(first)
        if fence:
            i += 1
            while i < len(lines) and not _closes_fence(lines[i][0], fence.group(1)):
                i += 1
            i = min(i + 1, len(lines))  # take the closing line too
        elif _HEADING.match(first):
            i += 1
        else:
            i += 1
            while (
                i < len(lines)
                and not _is_blank(lines[i][0])
                and not _FENCE_OPEN.match(lines[i][0])
                and not _HEADING.match(lines[i][0])
            ):
                i += 1
        body = "".join(c + e for c, e in lines[start : i - 1]) + lines[i - 1][0]
        separator = lines[i - 1][1]
        while i < len(lines) and _is_blank(lines[i][0]):
            separator += "".join(lines[i])
            i += 1
        blocks.append((body, separator))
    return leading, blocks


def draft_from_text(title: str, text: str) -> Draft:
    """A new draft whose cards are the paragraphs of ``text``."""
    leading, blocks = split_paragraphs(text)
    cards = [Card(text=body, separator=sep) for body, sep in blocks]
    return Draft(title=title, cards=cards, leading=leading)


def newline_style(text: str) -> str:
    """The line ending a document mostly uses, for cards the writer adds."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"
