"""Scores of fused variants that the pipeline's own selector cannot game.

A variant ``v`` of parents ``a`` (the paragraph) and ``b`` (the note) is:

- **between** its parents by an embedder when ``cos(v, a) > cos(a, b)`` and
  ``cos(v, b) > cos(a, b)``: closer to each parent than they are to each other.
  Judged with MiniLM (which the pipeline selects with) and with all-mpnet-base-v2
  (which it never sees).
- **words from both** when it uses at least ``MIN_SHARED_WORDS`` content words of
  each parent (``embedding.fluency.content_words``: stopwords and words under four
  letters left out).
- **boilerplate** when it opens with a label or meta phrase, **wrong language**
  when its parents are English and it is not.

Parents are **close** when their MiniLM cosine is above ``CLOSE_COSINE`` and **far**
below ``FAR_COSINE``. Every function here is pure: embeddings come in as unit rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cardwriter.embedding.fluency import label_opening, shared_content_words, wrong_language
from cardwriter.embedding.metrics import vendi_score

CLOSE_COSINE = 0.45
FAR_COSINE = 0.25
MIN_SHARED_WORDS = 2


def between(variant: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``variant`` is closer to each of ``a`` and ``b`` than they are to each other."""
    parents = float(a @ b)
    return float(variant @ a) > parents and float(variant @ b) > parents


def words_from_both(text: str, a: str, b: str, minimum: int = MIN_SHARED_WORDS) -> bool:
    """Whether ``text`` uses at least ``minimum`` content words of ``a`` and of ``b``."""
    return len(shared_content_words(text, a)) >= minimum and len(shared_content_words(text, b)) >= minimum


def closeness(parents_cosine: float) -> str:
    """'close', 'far' or 'middle' for a pair of parents by their MiniLM cosine."""
    if parents_cosine > CLOSE_COSINE:
        return "close"
    if parents_cosine < FAR_COSINE:
        return "far"
    return "middle"


@dataclass(frozen=True)
class VariantScore:
    text: str
    between_minilm: bool
    between_second: bool
    words_from_both: bool
    boilerplate: str | None
    wrong_language: str | None

    @property
    def between_both(self) -> bool:
        return self.between_minilm and self.between_second


def score_stack(
    texts: Sequence[str],
    a: str,
    b: str,
    minilm: tuple[np.ndarray, np.ndarray, np.ndarray],
    second: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> list[VariantScore]:
    """Score each text of a stack; ``minilm`` and ``second`` are (variant rows, a, b) unit vectors."""
    scores = []
    for i, text in enumerate(texts):
        scores.append(
            VariantScore(
                text=text,
                between_minilm=between(minilm[0][i], minilm[1], minilm[2]),
                between_second=between(second[0][i], second[1], second[2]),
                words_from_both=words_from_both(text, a, b),
                boilerplate=label_opening(text),
                wrong_language=wrong_language(text, (a, b)),
            )
        )
    return scores


def share(flags: Sequence[bool]) -> float:
    return float(np.mean(flags)) if len(flags) else math.nan


def summarise(stacks: Sequence[dict]) -> dict:
    """Shares and counts over stacks; each stack is a dict with 'scores', 'group', 'vendi', 'shortfall'."""
    variants = [s for stack in stacks for s in stack["scores"]]
    out = {
        "stacks": len(stacks),
        "variants": len(variants),
        "shortfall": int(sum(stack["shortfall"] for stack in stacks)),
        "between_minilm": share([v.between_minilm for v in variants]),
        "between_second": share([v.between_second for v in variants]),
        "between_both": share([v.between_both for v in variants]),
        "words_from_both": share([v.words_from_both for v in variants]),
        "boilerplate": sum(v.boilerplate is not None for v in variants),
        "wrong_language": sum(v.wrong_language is not None for v in variants),
        "vendi": float(np.nanmean([stack["vendi"] for stack in stacks])) if stacks else math.nan,
    }
    for group in ("close", "far"):
        chosen = [v for stack in stacks if stack["group"] == group for v in stack["scores"]]
        out[f"{group}_variants"] = len(chosen)
        out[f"{group}_between_minilm"] = share([v.between_minilm for v in chosen])
        out[f"{group}_between_second"] = share([v.between_second for v in chosen])
        out[f"{group}_words_from_both"] = share([v.words_from_both for v in chosen])
    return out


def stack_vendi(rows: np.ndarray) -> float:
    """Vendi of a stack's variants (nan for an empty stack)."""
    return vendi_score(rows) if len(rows) else math.nan


def mean_over_seeds(per_seed: Sequence[dict]) -> dict:
    """Each numeric figure as its mean over seeds, with ``<name>_sd`` the standard deviation of shares."""
    out: dict = {}
    for key in per_seed[0]:
        values = [r[key] for r in per_seed]
        out[key] = float(np.nanmean(values)) if not all(math.isnan(v) for v in values) else math.nan
        if isinstance(per_seed[0][key], float) and len(values) > 1:
            out[f"{key}_sd"] = float(np.nanstd(values)) if not all(math.isnan(v) for v in values) else math.nan
    return out
