"""Would a writer keep this variant? The facts and the meaning stage of a stack fill's chain.

Two checks, asked of every candidate that passed the text rules (``text_rules``):

1. **Facts** (``domain.facts``): no name, number or quoted title that the
   variant was not given. Given means: the paragraph, its neighbours, the notes
   (for a fusion), the variant being refined. A continuation may state new
   numbers (the clock moves on), not new names. A variant may drop facts.
2. **Meaning kept**, for the kinds that must say what the paragraph says
   (rewrite, restyle, refine), judged sentence by sentence with the embedder:
   - *support*: every sentence of the variant must say something a sentence of
     the paragraph says (its best cosine to one of them at least
     ``min_support``): a sentence the paragraph has nothing like is drift or
     invention ("Her faith in God's mercy had become unshakeable");
   - *coverage*: on average, each sentence of the paragraph must be said again
     somewhere in the variant (mean best cosine at least ``min_coverage``):
     a variant that keeps only the first sentence's topic lost the rest.
   Topic cosine of whole paragraphs (the old "usable") cannot see either: a
   variant about the same people that says other things about them scores high.
   A continuation's sentences need only some support (``min_continue_support``):
   it says new things, about the same story.

The thresholds are chosen on the tune half of the labelled candidates
(``benchmarks/calibrate_keepability.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cardwriter.domain.facts import invented
from cardwriter.domain.model import VariantKind
from cardwriter.domain.sentences import sentence_texts
from cardwriter.embedding.dedup_config import REWRITE_KINDS
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.embedder import Embedder
from cardwriter.services.english_reference import english_reference

EVERYDAY_SHARE = 6e-7
"""A word at least this frequent in everyday English (about 1,000 of the reference list's 1.6 billion
words) is an everyday word when it starts a sentence capitalised ("Perhaps", "Beneath"), not a name.
Names are frequent in film subtitles too ("Elizabeth" 1,701, "London" 1,088), so the bar is low and
words with everyday endings count as everyday whatever their frequency ("Wearily", "Unfurling")."""

EVERYDAY_ENDINGS = (
    "ly", "ing", "ed", "ness", "ence", "ance", "ity", "tion", "sion", "ment", "ful", "ous", "less", "ive", "able",
    "ible", "ward", "wards",
)  # fmt: skip


def everyday_word(word: str) -> bool:
    """Whether ``word`` (lower case) is an everyday English word rather than a name, at a sentence's start."""
    return english_reference().get(word, 0.0) >= EVERYDAY_SHARE or word.endswith(EVERYDAY_ENDINGS)


MEANING_KINDS = REWRITE_KINDS
"""Kinds whose variants must say what the paragraph says (a refine is a rewrite of a variant)."""


@dataclass(frozen=True)
class KeepConfig:
    """Thresholds of the keepability stage (cosines of MiniLM sentence embeddings)."""

    min_support: float = 0.45
    """Each sentence of a rewrite: best cosine to a sentence of the paragraph at least this."""
    min_coverage: float = 0.6
    """Each sentence of the paragraph, on average: best cosine to a sentence of the rewrite at least this."""
    min_continue_support: float = 0.25
    """Each sentence of a continuation: best cosine to the paragraph or the text before it at least this."""
    facts: bool = True
    """Drop variants that invent a name, number or title (False: off, for comparison)."""
    meaning: bool = True
    """Drop rewrites that do not keep the meaning (False: off, for comparison)."""


@dataclass(frozen=True)
class Unkept:
    reason: DropReason
    detail: str
    score: float | None = None


@dataclass(frozen=True)
class Alignment:
    """How a variant's sentences line up with the paragraph's (cosines)."""

    support: list[float]  # per variant sentence: best cosine to a paragraph sentence
    coverage: list[float]  # per paragraph sentence: best cosine to a variant sentence

    @property
    def min_support(self) -> float:
        return min(self.support) if self.support else 0.0

    @property
    def mean_coverage(self) -> float:
        return float(np.mean(self.coverage)) if self.coverage else 0.0


def align(variant_vectors: np.ndarray, source_vectors: np.ndarray) -> Alignment:
    """Best-match cosines between two texts' sentence vectors (unit rows)."""
    if not len(variant_vectors) or not len(source_vectors):
        return Alignment([], [])
    sims = variant_vectors @ source_vectors.T
    return Alignment([float(x) for x in sims.max(axis=1)], [float(x) for x in sims.max(axis=0)])


class KeepabilityJudge:
    """Judges candidates for one fill: the paragraph's sentences are embedded once."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        source: str,
        kind: VariantKind,
        given: Sequence[str] = (),
        is_common: Callable[[str], bool] = everyday_word,
        config: KeepConfig = KeepConfig(),
    ) -> None:
        """``given``: every text the variant may take facts from besides ``source`` (neighbours, notes, parent)."""
        self.embedder = embedder
        self.source = source
        self.kind = kind
        self.sources = [t for t in (source, *given) if t.strip()]
        self.is_common = is_common
        self.config = config
        self._context = source if kind is not VariantKind.CONTINUE else "\n".join(self.sources)
        self._sentences = sentence_texts(self._context) if self._context.strip() else []
        self._vectors = self.embedder.encode(self._sentences) if self._sentences else None

    def judge(self, text: str) -> Unkept | None:
        """Why a writer would not keep ``text``, or None."""
        if self.config.facts:
            new = invented(text, self.sources, self.is_common, numbers=self.kind is not VariantKind.CONTINUE)
            if new:
                return Unkept(DropReason.INVENTS_FACTS, new.describe())
        if not self.config.meaning or self._vectors is None:
            return None
        if self.kind in MEANING_KINDS:
            return self._meaning(text)
        if self.kind is VariantKind.CONTINUE:
            return self._story(text)
        return None

    def alignment(self, text: str) -> Alignment:
        sentences = sentence_texts(text)
        if not sentences or self._vectors is None:
            return Alignment([], [])
        return align(self.embedder.encode(sentences), self._vectors)

    def _meaning(self, text: str) -> Unkept | None:
        found = self.alignment(text)
        if not found.support:
            return Unkept(DropReason.LOSES_MEANING, "no sentence to compare", 0.0)
        if found.min_support < self.config.min_support:
            worst = int(np.argmin(found.support))
            return Unkept(
                DropReason.LOSES_MEANING,
                f"sentence {worst + 1} says what the paragraph does not: cosine {found.min_support:.2f} "
                f"to its closest sentence, needs {self.config.min_support}",
                found.min_support,
            )
        if found.mean_coverage < self.config.min_coverage:
            return Unkept(
                DropReason.LOSES_MEANING,
                f"leaves out what the paragraph says: its sentences are found again at {found.mean_coverage:.2f} "
                f"on average, needs {self.config.min_coverage}",
                found.mean_coverage,
            )
        return None

    def _story(self, text: str) -> Unkept | None:
        found = self.alignment(text)
        if found.support and found.min_support < self.config.min_continue_support:
            worst = int(np.argmin(found.support))
            return Unkept(
                DropReason.LOSES_MEANING,
                f"sentence {worst + 1} leaves the story: cosine {found.min_support:.2f} to the text before it, "
                f"needs {self.config.min_continue_support}",
                found.min_support,
            )
        return None
