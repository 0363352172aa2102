"""The first stage of a stack fill's chain: rules on a candidate's text alone, no model, no embedding.

A candidate that breaks one never reaches a stack, whatever its kind:

- **cut off**: it stops in the middle of a sentence (its token budget ran out).
  It is trimmed back to its last whole sentence; if too little is left, dropped.
- **a summary or talk about the text** instead of the text: "This story is
  about…", "A story about…", "The scene unfolds…", "This writing piece explores…",
  "…is a poignant reminder of…" (unless the source itself talks that way);
- **a word that is no word**: not in the everyday English list (pyspellchecker's,
  ``english_reference``) nor in what it was made from ("furtures", "gracilic",
  "takesaway"), British and American spellings alike; or a word written twice in a
  row where the source does not ("dear dear");
- **a list** where the source is prose ("1. I will create a new paragraph…");
- **a label or a chatty opening**, **another language** (``fusion_filters.fluency_reason``);
- **degenerate** (``embedding.dedup.degenerate_reason``): empty, too short,
  looping, echoing the prompt, a near-copy of the source.

``apply`` returns the (possibly trimmed) text, or why it was dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cardwriter.domain.model import VariantKind
from cardwriter.domain.sentences import ends_a_sentence, last_sentence_end
from cardwriter.embedding.dedup import degenerate_reason
from cardwriter.embedding.dedup_config import DedupConfig
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.services.english_reference import english_reference
from cardwriter.services.fusion_filters import fluency_reason

SUMMARY_PATTERNS: tuple[str, ...] = (
    # an opening that names the text instead of being it: "This story is about", "A story about",
    # "The scene unfolds", "In this story", "This writing piece explores", "The story of X is ..."
    r"^(?:in )?(?:this|the|a|an|our) (?:short |brief |new |original |following )?"
    r"(?:story|tale|scene|narrative|piece|writing piece|piece of writing|text|passage|paragraph|excerpt|account|"
    r"anecdote|vignette|poem|essay|article|chapter|novel|book|summary|version|rewrite)\b"
    r"(?:\s+(?:of|about|is|was|explores|unfolds|begins|takes|describes|tells|follows|revolves|centers|centres|"
    r"focuses|captures|highlights|depicts|shows|presents|portrays|reflects|conveys|offers)\b|,)",
    # the same anywhere: "..., this story explores", "the narrative unfolds"
    r"\b(?:this|the) (?:story|tale|narrative|writing piece|piece of writing|passage|excerpt|text)"
    r" (?:is about|explores|unfolds|revolves|centers on|centres on|focuses on|highlights|depicts|portrays|"
    r"captures|conveys|reflects|serves as|is a (?:poignant|powerful|vivid|classic|compelling))\b",
    r"\bis a (?:poignant|powerful|stark|timeless|vivid) reminder\b",
    r"\b(?:the|this) (?:main|central) (?:idea|theme|character|message)\b",
    r"\b(?:the|this) (?:writer|author|narrator|reader|protagonist)(?:'s)?\b",
)
"""Patterns (case-insensitive) of a candidate that summarises or comments on the text."""

_SUMMARY = [re.compile(p, re.IGNORECASE) for p in SUMMARY_PATTERNS]
_LIST_LINE = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+\S", re.MULTILINE)

MIN_TRIMMED_SHARE = 0.5
"""A cut-off candidate trimmed to its last whole sentence is kept if at least this share of its words is left."""


@dataclass(frozen=True)
class RuleBroken:
    reason: DropReason
    detail: str


def trim_to_sentence(text: str) -> str | None:
    """``text`` up to its last whole sentence; None when no sentence is complete or too little is left."""
    stripped = text.strip()
    end = last_sentence_end(stripped)
    if end is None:
        return None
    if end == len(stripped):
        return stripped
    kept = stripped[:end].strip()
    if len(kept.split()) < MIN_TRIMMED_SHARE * len(stripped.split()):
        return None
    return kept


def summary_reason(text: str, sources: Sequence[str]) -> str | None:
    """Why ``text`` summarises or talks about the text instead of being it, or None."""
    flat = " ".join(text.split())
    for pattern in _SUMMARY:
        found = pattern.search(flat)
        if found and not any(pattern.search(" ".join(s.split())) for s in sources):
            return f"talks about the text instead of being it: {found.group(0)!r}"
    return None


_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
_SPELLINGS = (
    ("ise", "ize"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("isation", "ization"),
    ("our", "or"),
    ("tre", "ter"),
    ("ll", "l"),
)


def _known(word: str, given: set[str], reference: Mapping[str, float]) -> bool:
    low = word.lower().replace("\u2019", "'")
    base = low.split("'")[0]
    if low in given or base in given or reference.get(low) or reference.get(base):
        return True
    # the other side of the Atlantic: "scrutinising" is "scrutinizing"
    return any(base.replace(a, b) in reference or base.replace(b, a) in reference for a, b in _SPELLINGS)


def word_reason(text: str, sources: Sequence[str]) -> str | None:
    """Why ``text`` has a word that is no word, or one written twice in a row, or None."""
    given = {w.lower().replace("\u2019", "'") for s in sources for w in _WORD.findall(s)}
    given |= {w.split("'")[0] for w in given}
    reference = english_reference()
    unknown = [w for w in _WORD.findall(text) if not _known(w, given, reference)]
    if unknown:
        listed = ", ".join(f'"{w}"' for w in unknown[:3])
        return f"not a word: {listed}"
    found = [w.lower() for w in _WORD.findall(text)]
    pairs = {
        (a.lower(), b.lower()) for s in sources for a, b in zip(_WORD.findall(s), _WORD.findall(s)[1:], strict=False)
    }
    for a, b in zip(found, found[1:], strict=False):
        if a == b and (a, b) not in pairs:
            return f'repeats a word: "{a} {b}"'
    return None


def list_reason(text: str, sources: Sequence[str]) -> str | None:
    """Why ``text`` is a list where the sources are prose, or None."""
    lines = _LIST_LINE.findall(text)
    if len(lines) >= 1 and text.count("\n") >= 1 and not any(_LIST_LINE.search(s) for s in sources):
        return f"a list where the paragraph is prose ({len(lines)} list lines)"
    return None


def apply(
    text: str,
    *,
    source: str,
    parents: Sequence[str],
    kind: VariantKind,
    config: DedupConfig = DedupConfig(),
) -> str | RuleBroken:
    """The candidate's text as it may be shown (trimmed to a whole sentence), or the rule it breaks.

    ``parents`` are what it was made from (the paragraph and any notes): the labels,
    summaries and lists they have themselves are the writer's, not the model's.
    """
    listed = list_reason(text, parents)
    if listed is not None:
        return RuleBroken(DropReason.LIST, listed)
    # a paragraph that does not end a sentence itself (a list line, dialogue broken off) is not held to it
    trimmed = trim_to_sentence(text) if ends_a_sentence(source) else text.strip()
    if trimmed is None:
        return RuleBroken(DropReason.CUT_OFF, "cut off in the middle of a sentence, with too little before it")
    fluency = fluency_reason(trimmed, parents)
    if fluency is not None:
        return RuleBroken(*fluency)
    summary = summary_reason(trimmed, parents)
    if summary is not None:
        return RuleBroken(DropReason.SUMMARY, summary)
    word = word_reason(trimmed, parents)
    if word is not None:
        return RuleBroken(DropReason.NOT_A_WORD, word)
    degenerate = degenerate_reason(trimmed, source, kind, config)
    if degenerate is not None:
        return RuleBroken(*degenerate)
    return trimmed
