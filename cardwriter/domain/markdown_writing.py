"""Formatted runs back to a card's Markdown, and runs as a reader sees them.

``markdown_from_runs`` writes ``*`` and ``**`` and escapes characters that
would otherwise start emphasis, so text -> runs -> text keeps the formatting
(``markdown_runs`` reads it). ``formatting`` is what a reader sees of runs:
two run lists that look the same compare equal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cardwriter.domain.markdown_runs import FENCE, Run, is_punct, parse_inline

_LINE_BREAK_TO_SPACE = str.maketrans("\r\n", "  ")
_SPACES_OR_NOT = re.compile(r"\s+|\S+")


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
    return bool(core) and (is_punct(core[0]) or is_punct(core[-1]))


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
    if first and (text.startswith("#") or FENCE.match(text)):
        text = "\\" + text
    return text
