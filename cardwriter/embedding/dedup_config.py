"""The thresholds and word lists of ``embedding.dedup``: ``DedupConfig`` and its calibrated defaults.

The echo phrases, patterns and openings betray a candidate that echoes the prompt
or talks about the text instead of being it; the cosine and overlap thresholds
decide what is a near-duplicate. The defaults are justified in
docs/dedup-calibration.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardwriter.domain.model import VariantKind

DEFAULT_ECHO_PHRASES: tuple[str, ...] = (
    "rewrite the following",
    "rewrite this paragraph",
    "rewritten paragraph",
    "rewritten version",
    "original paragraph",
    "the following paragraph",
    "paragraph:",
    "as an ai language model",
    # meta-commentary: the small model talks about the paragraph instead of rewriting it
    "rephrase",
    "rewrite the paragraph",
    "rewritten text",
    "this paragraph",
    "the paragraph",
    "this passage",
    "the passage",
    "this excerpt",
    "the excerpt",
    "the original text",
    "the original sentence",
    "in this tale",
    "in this anecdote",
    "a classic example",
    "the author",
    "the narrator",
    "you've rewritten",
    "you have rewritten",
)
"""Phrases that betray an echo of the prompt or meta-commentary wherever they appear (case-insensitive).

A phrase that the source itself contains is not held against a candidate.
"""

DEFAULT_ECHO_PATTERNS: tuple[str, ...] = (
    r"\bin (?:about |around |roughly |exactly |just |under |over )?\d+ words\b",  # "In 57 words, ..."
    r"\b(?:i'll|i will|i'd|i would|i can|let me|let's)\s+(?:\w+\s+){0,2}?(?:rephrase|rewrite|revise|suggest|paraphrase|condense|summari[sz]e)",
    r"\b(?:rewritten|revised|edited|paraphrased|condensed) (?:paragraph|version|passage|text)\b",
    r"\b(?:word count|words? long)\b",
    r"\b(?:novel|story|book|poem|passage|paragraph|text|excerpt)\b[^.]{0,40}\bwritten by\b",  # "The Lighthouse, written by ..."
)
"""Regular expressions (case-insensitive, searched in the lowercased text) for meta-commentary."""

DEFAULT_ECHO_OPENINGS: tuple[str, ...] = (
    "here is",
    "here's",
    "here\u2019s",
    "sure,",
    "sure!",
    "certainly!",
    "rewrite:",
    "rewritten:",
    "output:",
    "variant:",
)
"""Openings that betray a chatty reply when the text starts with them (case-insensitive).

"Here is" is only an echo at the start: inside prose ("here is the key", said Holmes) it
is ordinary English.
"""

REWRITE_KINDS: frozenset[VariantKind] = frozenset({VariantKind.REWRITE, VariantKind.RESTYLE})
"""Kinds that must reword the source, so a verbatim copy of it is degenerate."""


DUPLICATE_COSINE = 0.92
"""Cosine of unit embeddings at or above which a candidate is a near-duplicate outright.

The one place this threshold lives: ``DedupConfig``, the stack filler's request and the
app's settings take their default from here (calibrated in docs/dedup-calibration.md).
"""


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds and word lists for ``filter_candidates``; the defaults are calibrated."""

    min_length_ratio: float = 1 / 3
    """A candidate needs at least this share of the source's word count."""
    loop_n: int = 4
    """Looping is judged on word n-grams of this length."""
    loop_max_repeat_share: float = 0.2
    """Looping when this share of its n-grams repeat an earlier one (1 - distinct/total)."""
    loop_max_repeats: int = 4
    """... or when one n-gram occurs this many times."""
    echo_phrases: tuple[str, ...] = DEFAULT_ECHO_PHRASES
    echo_openings: tuple[str, ...] = DEFAULT_ECHO_OPENINGS
    echo_patterns: tuple[str, ...] = DEFAULT_ECHO_PATTERNS
    copy_kinds: frozenset[VariantKind] = REWRITE_KINDS
    """Kinds for which a near-copy of the source is degenerate."""
    copy_containment: float = 0.5
    """Near-copy: at least this share of the candidate's word 3-grams occur in the source."""
    duplicate_cosine: float = DUPLICATE_COSINE
    """Cosine at or above this is a near-duplicate outright."""
    overlap_cosine: float = 0.85
    """Cosine in [overlap_cosine, duplicate_cosine) is a near-duplicate if overlap is high too."""
    overlap_n: int = 3
    """Word n-gram length for the overlap checks (copy and near-duplicate)."""
    overlap_threshold: float = 0.3
    """Overlap coefficient of word 3-grams at or above which the grey zone counts as duplicate."""

    def __post_init__(self) -> None:
        if not 0.0 < self.overlap_cosine <= self.duplicate_cosine <= 1.0:
            raise ValueError("need 0 < overlap_cosine <= duplicate_cosine <= 1")
