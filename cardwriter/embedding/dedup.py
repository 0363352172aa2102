"""Dropping degenerate candidates and near-duplicates, with a reason for every drop.

Two passes over the candidates a generator produced, in their given order:

1. **Degenerate** (text rules, no embeddings): empty; shorter than a third of the
   source in words; looping (repeated word 4-grams, see ``tokens.is_looping``);
   echoing the prompt or talking about the text instead of being it (instruction
   phrases and meta-commentary anywhere, such as "rephrase" or "In 57 words, you've",
   or chatty openings such as "Here is"), unless the source itself says the same; and, for rewrite kinds, a near-copy of the source (most of the
   candidate's word 3-grams appear verbatim in the source).
2. **Near-duplicate** (cosine of unit embeddings): each surviving candidate is
   compared with the source, with what the stack already holds and with the
   candidates kept before it. Cosine at or above ``duplicate_cosine`` (``DUPLICATE_COSINE``) drops it;
   a cosine in ``[overlap_cosine, duplicate_cosine)`` (0.85 up to the duplicate threshold) drops it only if
   its word 3-gram *overlap coefficient* ``|A & B| / min(|A|, |B|)`` with that item is
   also at least ``overlap_threshold``. The overlap coefficient (rather than Jaccard)
   is used so that a candidate that copies another and adds or removes a sentence still
   counts as overlapping. Of two near-duplicate candidates the earlier one is kept.

The thresholds and word lists are ``dedup_config``'s (their defaults are justified in
docs/dedup-calibration.md); the reasons, ``drop_reasons``'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup_config import DedupConfig
from cardwriter.embedding.drop_reasons import Drop, DropReason
from cardwriter.embedding.tokens import (
    containment,
    max_ngram_count,
    overlap_coefficient,
    repeated_ngram_share,
    shingles,
    words,
)


@dataclass(frozen=True)
class DedupResult:
    """Indices kept (in input order) and a ``Drop`` for every other candidate."""

    kept: list[int] = field(default_factory=list)
    dropped: list[Drop] = field(default_factory=list)

    def reasons(self) -> dict[int, DropReason]:
        return {d.index: d.reason for d in self.dropped}


def degenerate_reason(
    text: str,
    source: str,
    kind: VariantKind = VariantKind.REWRITE,
    config: DedupConfig = DedupConfig(),
) -> tuple[DropReason, str] | None:
    """Why ``text`` is degenerate as a variant of ``source``, or None if it is not.

    Checked in this order: empty, too short, looping, echoing the prompt, and (for
    ``config.copy_kinds``) a near-copy of the source.
    """
    toks = words(text)
    if not toks:
        return DropReason.EMPTY, "empty: no words"
    needed = config.min_length_ratio * len(words(source))
    if len(toks) < needed:
        return DropReason.TOO_SHORT, f"too short: {len(toks)} words, needs at least {needed:.0f}"
    share = repeated_ngram_share(toks, config.loop_n)
    top = max_ngram_count(toks, config.loop_n)
    if share >= config.loop_max_repeat_share or top >= config.loop_max_repeats:
        return DropReason.LOOPING, (
            f"looping: {share:.0%} of its word {config.loop_n}-grams repeat, one occurs {top} times"
        )
    echo = echo_reason(text, source, config)
    if echo is not None:
        return DropReason.ECHOES_PROMPT, echo
    if kind in config.copy_kinds:
        copied = containment(shingles(text, config.overlap_n), shingles(source, config.overlap_n))
        if copied >= config.copy_containment:
            detail = f"copies the source: {copied:.0%} of its word {config.overlap_n}-grams are in it"
            return DropReason.COPIES_SOURCE, detail
    return None


def echo_reason(text: str, source: str, config: DedupConfig = DedupConfig(), *, complete: bool = True) -> str | None:
    """Why ``text`` echoes the prompt or talks about the task instead of doing it, or None.

    ``complete`` False: ``text`` is the start of a text still being written. A
    phrase or an opening found in it stays in the whole text, so the verdict
    holds; a pattern must end before the text does (more letters could still
    change the word it ends on).
    """
    lowered = " ".join(text.lower().split()).replace("\u2019", "'")
    source_lowered = " ".join(source.lower().split()).replace("\u2019", "'")
    for phrase in config.echo_phrases:
        if phrase.lower() in lowered and phrase.lower() not in source_lowered:
            return f"echoes the prompt: contains {phrase!r}"
    for pattern in config.echo_patterns:
        found = re.search(pattern, lowered)
        if found and (complete or found.end() < len(lowered)) and not re.search(pattern, source_lowered):
            return f"echoes the prompt: talks about the text ({found.group(0)!r})"
    opening = lowered.lstrip(" \"'\u201c*#>-")
    source_opening = source_lowered.lstrip(" \"'\u201c*#>-")
    for phrase in config.echo_openings:
        if opening.startswith(phrase.lower()) and not source_opening.startswith(phrase.lower()):
            return f"echoes the prompt: starts with {phrase!r}"
    return None


def _as_rows(vectors: np.ndarray | None, count: int, name: str) -> np.ndarray:
    if vectors is None:
        if count:
            raise ValueError(f"{name} embeddings are required for {count} texts")
        return np.zeros((0, 0), dtype=np.float32)
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape[0] != count:
        raise ValueError(f"{name}: {arr.shape[0]} embeddings for {count} texts")
    return arr


def filter_candidates(
    candidates: Sequence[str],
    candidate_embeddings: np.ndarray,
    *,
    source: str,
    source_embedding: np.ndarray,
    kind: VariantKind = VariantKind.REWRITE,
    stack: Sequence[str] = (),
    stack_embeddings: np.ndarray | None = None,
    config: DedupConfig = DedupConfig(),
) -> DedupResult:
    """Keep the candidates that are neither degenerate nor near-duplicates.

    Embeddings are unit-norm rows (``Embedder.encode`` output), one per text.
    ``stack`` holds the texts already in the card's stack (with ``stack_embeddings``).
    Returns kept indices in input order and a ``Drop`` with a reason for each other
    index; every index appears exactly once.
    """
    cand = _as_rows(candidate_embeddings, len(candidates), "candidate")
    src = np.asarray(source_embedding, dtype=np.float32).reshape(-1)
    held = _as_rows(stack_embeddings, len(stack), "stack")

    dropped: list[Drop] = []
    alive: list[int] = []
    for i, text in enumerate(candidates):
        found = degenerate_reason(text, source, kind, config)
        if found is None:
            alive.append(i)
        else:
            dropped.append(Drop(i, found[0], found[1]))

    # Cosines of every live candidate with the source, the stack and each other, at once.
    live = cand[alive] if alive else np.zeros((0, src.shape[0]), dtype=np.float32)
    to_source = live @ src
    to_stack = live @ held.T if len(stack) else np.zeros((len(alive), 0), dtype=np.float32)
    to_each = live @ live.T

    grams: dict[tuple[str, int], set] = {}  # word 3-gram sets, computed only when needed

    def gram_set(key: tuple[str, int], text: str) -> set:
        if key not in grams:
            grams[key] = shingles(text, config.overlap_n)
        return grams[key]

    def duplicate(i: int, cos: float, other_key: tuple[str, int], other_text: str) -> tuple[bool, float | None]:
        if cos >= config.duplicate_cosine:
            return True, None
        if cos >= config.overlap_cosine:
            ov = overlap_coefficient(gram_set(("candidate", i), candidates[i]), gram_set(other_key, other_text))
            return ov >= config.overlap_threshold, ov
        return False, None

    kept_rows: list[int] = []  # rows of ``live`` kept so far
    for row, i in enumerate(alive):
        drop: Drop | None = None
        is_dup, ov = duplicate(i, float(to_source[row]), ("source", 0), source)
        if is_dup:
            cos = float(to_source[row])
            drop = Drop(i, DropReason.DUPLICATES_SOURCE, _dup_detail("the source", cos, ov), None, cos, ov)
        if drop is None:
            for j in np.argsort(-to_stack[row], kind="stable"):
                cos = float(to_stack[row, j])
                if cos < config.overlap_cosine:
                    break
                is_dup, ov = duplicate(i, cos, ("stack", int(j)), stack[j])
                if is_dup:
                    detail = _dup_detail(f"stack item {j}", cos, ov)
                    drop = Drop(i, DropReason.DUPLICATES_STACK, detail, int(j), cos, ov)
                    break
        if drop is None and kept_rows:
            sims = to_each[row, kept_rows]
            for pos in np.argsort(-sims, kind="stable"):
                cos = float(sims[pos])
                if cos < config.overlap_cosine:
                    break
                other = alive[kept_rows[pos]]
                is_dup, ov = duplicate(i, cos, ("candidate", other), candidates[other])
                if is_dup:
                    detail = _dup_detail(f"candidate {other}", cos, ov)
                    drop = Drop(i, DropReason.DUPLICATES_SIBLING, detail, other, cos, ov)
                    break
        if drop is None:
            kept_rows.append(row)
        else:
            dropped.append(drop)

    dropped.sort(key=lambda d: d.index)
    return DedupResult(kept=[alive[r] for r in kept_rows], dropped=dropped)


def _dup_detail(what: str, cos: float, overlap: float | None) -> str:
    if overlap is None:
        return f"near-duplicate of {what}: cosine {cos:.3f}"
    return f"near-duplicate of {what}: cosine {cos:.3f} and {overlap:.0%} shared word 3-grams"
