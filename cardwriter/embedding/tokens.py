"""Words and word n-grams: the one tokenisation dedup and the metrics share.

A *token* is a maximal run of letters or digits (Unicode ``\\w`` without the
underscore), lowercased, with inner apostrophes kept ("don't", "Collins's").
Punctuation and whitespace are dropped. Stopwords are kept on purpose: over-use of
common words is one of the things the metrics look for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")

NGram = tuple[str, ...]


def words(text: str) -> list[str]:
    """The lowercased word tokens of ``text``, in order."""
    return [w.replace("\u2019", "'") for w in _WORD.findall(text.lower())]


def ngrams(tokens: Sequence[str], n: int) -> list[NGram]:
    """All contiguous ``n``-grams of ``tokens``, in order (empty when fewer than ``n`` tokens)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def shingles(text: str, n: int) -> set[NGram]:
    """The set of word ``n``-grams of ``text``.

    A text with at least one but fewer than ``n`` words yields its whole token tuple as
    its single shingle, so two identical short texts still overlap fully.
    """
    toks = words(text)
    if 0 < len(toks) < n:
        return {tuple(toks)}
    return set(ngrams(toks, n))


def overlap_coefficient(a: set[NGram], b: set[NGram]) -> float:
    """``|a & b| / min(|a|, |b|)`` (Szymkiewicz-Simpson); 0.0 when either set is empty.

    It is 1.0 when one set contains the other, so a candidate that copies a sibling and
    adds a sentence still counts as overlapping.
    """
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def containment(a: set[NGram], b: set[NGram]) -> float:
    """``|a & b| / |a|``: the share of ``a``'s n-grams that also occur in ``b``; 0.0 if ``a`` is empty."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


def repeated_ngram_share(tokens: Sequence[str], n: int = 4) -> float:
    """``1 - distinct / total`` over the word ``n``-grams of ``tokens``; 0.0 with no n-grams.

    The share of n-gram positions that repeat an n-gram seen earlier in the same text.
    A phrase of length ``L <= n`` repeated ``k`` times scores about ``(k - 1) / k``.
    """
    grams = ngrams(tokens, n)
    if not grams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def max_ngram_count(tokens: Sequence[str], n: int = 4) -> int:
    """How often the most frequent word ``n``-gram occurs in ``tokens`` (0 with none)."""
    grams = ngrams(tokens, n)
    if not grams:
        return 0
    return max(Counter(grams).values())


def is_looping(text: str, n: int = 4, max_repeat_share: float = 0.2, max_repeats: int = 4) -> bool:
    """Whether ``text`` loops: it repeats word ``n``-grams beyond what prose does.

    True when the repeated share of its ``n``-grams (``repeated_ngram_share``) reaches
    ``max_repeat_share``, or when one ``n``-gram occurs ``max_repeats`` times or more.
    Natural paragraphs stay near zero on both (see docs/dedup-calibration.md); an anaphora
    used three times ("I do not know ...") is still allowed by the second rule.
    """
    toks = words(text)
    return repeated_ngram_share(toks, n) >= max_repeat_share or max_ngram_count(toks, n) >= max_repeats
