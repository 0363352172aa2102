"""Filters the stack filler applies before dedup: fluent, in the parents' language, and (for fusions) from both.

Every kind:

- **wrong language**: the parents are English and the candidate is not
  (``embedding.fluency.wrong_language``);
- **label opening**: it starts "Original:", "Here is", "Sure", "This sentence
  conveys…" (``embedding.fluency.label_opening``);
- **improbable**: the loaded model's mean token log-probability of the candidate
  is below ``min_log_prob`` (only when the generator can score: the llama.cpp
  engine can, an HTTP server cannot, and then nothing is dropped for it). Scoring
  decodes the text, so ``improbable`` is separate from ``screen``: the filler asks
  it last, only of candidates every cheaper filter kept, and only of those the
  engine wrote below ``rescore_below`` (it reports that figure as it writes).

Fusions (recombine with two or more parents: the paragraph and a note, or two notes):

- **copies its parents**: 60% or more of its word 3-grams appear verbatim in the
  parents (a paste of both would otherwise pass every check below);
- **ignores a parent**: it must use at least ``min_shared_words`` content words of
  each parent, and its cosine to each parent must reach the parents' cosine to each
  other plus ``cosine_margin`` (so it leans towards each parent at least as much as
  they lean towards each other).

Thresholds were chosen on the tune half of the dev pairs
(``benchmarks/recombine_quality.py --split tune``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.fluency import content_words, label_opening, wrong_language
from cardwriter.embedding.tokens import containment, shingles
from cardwriter.generation.prompts import ASSOCIATION

__all__ = [
    "ASSOCIATION",
    "FusionConfig",
    "Screened",
    "fluency_reason",
    "fusion_reason",
    "improbable",
    "model_scores",
    "screen",
]

DEFAULT_MIN_LOG_PROB = -4.6
"""Mean nats a token below which SmolLM2-135M's own text is word salad (tuned on the tune split)."""

DEFAULT_RESCORE_BELOW = -2.25
"""A candidate the engine wrote at a mean log-probability of at least this is not scored afresh.

Scoring afresh is a decode of the text alone, about as much work as writing it, while
the batch waits; the figure the engine reports as it writes (``Generated.log_prob``,
given the prompt, free) says which candidates the samplers pushed off the model's
course. Calibrated with benchmarks/calibrate_written_log_prob.py (candidates kept in
benchmarks/written_log_prob_candidates.jsonl): of 107 SmolLM2 candidates that passed the
cheaper filters (balanced and bold presets, dev paragraphs 00-01 of each author), the
fresh floor dropped none, so no gate would have changed a decision there. -2.25 sends
the lowest tail of balanced candidates (6 of 78) and nearly all bold ones (26 of 29) to
the fresh score: the check stays where the samplers push hardest."""


@dataclass(frozen=True)
class FusionConfig:
    min_log_prob: float | None = DEFAULT_MIN_LOG_PROB
    """Floor on a text scored afresh (a decode of it alone). None: never drop for improbability."""
    rescore_below: float | None = DEFAULT_RESCORE_BELOW
    """Only candidates written below this are scored afresh; None: every candidate is (the way before)."""
    min_shared_words: int = 2
    """A fusion uses at least this many content words of each parent."""
    cosine_margin: float = 0.0
    """A fusion's cosine to each parent is at least the parents' cosine plus this."""
    copy_containment: float = 0.6
    """A fusion with this share of its word 3-grams found verbatim in its parents copies them."""


@dataclass(frozen=True)
class Screened:
    """One candidate that a filter here dropped: its index, why, and a sentence a writer can read."""

    index: int
    reason: DropReason
    detail: str
    cosine: float | None = None


def fluency_reason(text: str, parents: Sequence[str]) -> tuple[DropReason, str] | None:
    """Why ``text`` is not fluent prose in its parents' language (language, label), or None."""
    label = label_opening(text, sources=parents)
    if label is not None:
        return DropReason.LABEL_OPENING, f"opens with a label: {label!r}"
    language = wrong_language(text, parents)
    if language is not None:
        return DropReason.WRONG_LANGUAGE, language
    return None


def fusion_reason(
    text: str,
    vector: np.ndarray,
    parents: Sequence[str],
    parent_vectors: np.ndarray,
    config: FusionConfig = FusionConfig(),
) -> tuple[DropReason, str, float | None] | None:
    """Why ``text`` does not fuse its parents (copies one, or ignores one), or None."""
    pooled: set = set().union(*(shingles(p, 3) for p in parents))
    copied = containment(shingles(text, 3), pooled)
    if copied >= config.copy_containment:
        return DropReason.COPIES_SOURCE, f"copies its parents: {copied:.0%} of its word 3-grams are in them", None
    mine = content_words(text)
    for i, parent in enumerate(parents):
        own = content_words(parent)
        needed = min(config.min_shared_words, len(own))  # a three-word note has fewer to give
        shared = len(mine & own)
        if shared < needed:
            return (
                DropReason.IGNORES_PARENT,
                f"ignores parent {i + 1}: {shared} of its content words, needs {needed}",
                None,
            )
    pair = parent_vectors @ parent_vectors.T
    upper = pair[np.triu_indices(len(parents), k=1)]
    floor = float(upper.max()) + config.cosine_margin if len(upper) else config.cosine_margin
    to_parents = parent_vectors @ vector
    for i, cos in enumerate(to_parents):
        if float(cos) < floor:
            return (
                DropReason.IGNORES_PARENT,
                f"leans away from parent {i + 1}: cosine {float(cos):.3f}, needs {floor:.3f}",
                float(cos),
            )
    return None


def screen(
    texts: Sequence[str],
    vectors: np.ndarray,
    parents: Sequence[str],
    parent_vectors: np.ndarray,
    *,
    fuse: bool,
    config: FusionConfig = FusionConfig(),
) -> tuple[list[int], list[Screened]]:
    """Indices that pass the text checks here (language, label, and with ``fuse`` the fusion checks).

    The model's verdict is not asked here: it costs a decode of the text, so the
    filler asks it last (``improbable``), only for candidates every cheaper filter kept.
    """
    kept, dropped = [], []
    for i, text in enumerate(texts):
        found = fluency_reason(text, parents)
        if found is not None:
            dropped.append(Screened(i, found[0], found[1]))
            continue
        if fuse:
            fused = fusion_reason(text, vectors[i], parents, parent_vectors, config)
            if fused is not None:
                dropped.append(Screened(i, fused[0], fused[1], fused[2]))
                continue
        kept.append(i)
    return kept, dropped


def improbable(
    texts: Sequence[str],
    written: Sequence[float | None],
    scorer: Callable[[list[str]], list[float] | None],
    config: FusionConfig = FusionConfig(),
) -> list[Screened]:
    """The texts the model finds too improbable (word salad) when it reads them afresh.

    ``written`` is each text's mean log-probability as the model wrote it (the
    llama.cpp engine reports it, free; None from a server or a fake). A text
    written at ``config.rescore_below`` or above is trusted without a second
    look; the others are scored afresh by ``scorer`` (``model_scores`` bound to the
    generator, one call for all of them) and dropped below ``min_log_prob``. None
    from the scorer (a server cannot score) drops nothing; ``min_log_prob`` None
    turns the check off.
    """
    if config.min_log_prob is None:
        return []
    gate = config.rescore_below
    doubtful = [i for i, lp in enumerate(written) if lp is None or gate is None or lp < gate]
    fresh = scorer([texts[i] for i in doubtful]) if doubtful else None
    return [
        Screened(
            i, DropReason.IMPROBABLE, f"improbable: {lp:.2f} nats a token under the model, needs {config.min_log_prob}"
        )
        for i, lp in zip(doubtful, fresh or (), strict=False)
        if lp < config.min_log_prob
    ]


def model_scores(generator: object, texts: Sequence[str]) -> list[float] | None:
    """The generator's log-probability of each text, or None when it cannot score (an HTTP server)."""
    score = getattr(generator, "score", None)
    if score is None or not texts:
        return None
    result = score(list(texts))
    return list(result) if result is not None else None
