"""Judging shown variants as a writer would: kept or not, and why, by our rule and by a second judge.

A report that counted "usable" as "on topic" said 8 of 8 where a writer kept none.
Here every shown variant of every way (the app's stack, plain requests) is judged
the same way, after the fact:

- **our rule**: the pipeline's own text rules and keepability stages
  (``services.text_rules``, ``services.keepability``, with the pipeline's MiniLM):
  cut off, a list, a label, another language, a summary, degenerate, an invented
  name, number or title, the meaning lost sentence by sentence;
- **the second judge**: all-mpnet-base-v2, which no part of the pipeline uses to
  select, aligns the variant's sentences with the paragraph's on its own
  (``SECOND_MIN_SUPPORT``, ``SECOND_MIN_COVERAGE``, set on labelled candidates of
  the tune half, ``benchmarks/calibrate_keepability.py``);
- **changes enough**: at least ``MIN_CLOSE_CHANGE`` of the paragraph's words
  changed (word-level diff), for every way alike: a reader calls a candidate a copy
  when it changes "only a word or two" (benchmarks/data/keep_labels.jsonl), not when
  it keeps half its word 3-grams (the free-rewrite rule the pipeline applies to free
  candidates), which every close rewrite does;
- **keepable**: passes all three. **Distinct keepable**: the keepable ones that
  differ from each other as a variant must differ from the paragraph: in at least
  ``MIN_CLOSE_CHANGE`` of their words. (Counted by the second judge's cosine of
  ``DISTINCT_COSINE`` or half their word 3-grams shared instead, two close rewrites of
  one paragraph are always the same variant: ``distinct_keepable(..., by_words=False)``.)

Also counted on their own: variants that invent a name or number, and variants that
open with a label, whatever else is wrong with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cardwriter.domain.facts import invented
from cardwriter.domain.model import VariantKind
from cardwriter.domain.sentences import sentence_texts
from cardwriter.domain.word_diff import changed_share
from cardwriter.embedding.dedup_config import DedupConfig
from cardwriter.embedding.embedder import Embedder
from cardwriter.embedding.fluency import label_opening
from cardwriter.embedding.tokens import overlap_coefficient, shingles
from cardwriter.services import text_rules
from cardwriter.services.fill_chain import MIN_CLOSE_CHANGE
from cardwriter.services.keepability import KeepabilityJudge, align, everyday_word

SECOND_MIN_SUPPORT = 0.45
"""Second judge: every sentence of a kept variant has a paragraph sentence at least this close (mpnet cosine)."""
SECOND_MIN_COVERAGE = 0.6
"""Second judge: the paragraph's sentences are found again in a kept variant at least this close on average."""
DISTINCT_COSINE = 0.95
"""Two keepable variants at least this close by the second judge count once."""
DISTINCT_OVERLAP = 0.5
"""... and so do two that share at least this share of their word 3-grams (overlap coefficient)."""


@dataclass(frozen=True)
class Judgement:
    """One shown variant, judged."""

    text: str
    rule: str | None  # why our rule would not keep it (None: it passes)
    invents: bool  # states a name, number or title the paragraph does not have
    label: bool  # opens with a label ("Rewrite:", "Here is")
    second_support: float
    second_coverage: float

    @property
    def second_keeps_meaning(self) -> bool:
        return self.second_support >= SECOND_MIN_SUPPORT and self.second_coverage >= SECOND_MIN_COVERAGE

    @property
    def keepable(self) -> bool:
        return self.rule is None and self.second_keeps_meaning


class KeepJudge:
    """Judges the shown variants of a paragraph by our rule and by the second judge."""

    def __init__(self, embedder: Embedder, second: Embedder) -> None:
        """``embedder``: the pipeline's (our rule); ``second``: an embedder the pipeline never uses."""
        self.embedder = embedder
        self.second = second
        self._config = DedupConfig(copy_kinds=frozenset())  # how much changed is judged by words, below

    def judge(self, source: str, texts: Sequence[str], kind: VariantKind = VariantKind.REWRITE) -> list[Judgement]:
        rule = KeepabilityJudge(self.embedder, source=source, kind=kind)
        source_sentences = sentence_texts(source)
        source_vecs = self.second.encode(source_sentences) if source_sentences else None
        found = []
        for text in texts:
            ruled = text_rules.apply(text, source=source, parents=(source,), kind=kind, config=self._config)
            if isinstance(ruled, text_rules.RuleBroken):
                why: str | None = f"{ruled.reason.value}: {ruled.detail}"
                shown = text
            else:
                unkept = rule.judge(ruled)
                why = None if unkept is None else f"{unkept.reason.value}: {unkept.detail}"
                shown = ruled
                if why is None and changed_share(source, shown) < MIN_CLOSE_CHANGE:
                    why = f"copies_source: changes {changed_share(source, shown):.0%} of the words"
            sentences = sentence_texts(shown)
            if sentences and source_vecs is not None:
                alignment = align(self.second.encode(sentences), source_vecs)
                support, coverage = alignment.min_support, alignment.mean_coverage
            else:
                support = coverage = 0.0
            found.append(
                Judgement(
                    text=shown,
                    rule=why,
                    invents=bool(invented(text, [source], everyday_word)),
                    label=label_opening(text, sources=(source,)) is not None,
                    second_support=support,
                    second_coverage=coverage,
                )
            )
        return found

    def distinct_keepable(self, judgements: Sequence[Judgement], by_words: bool = True) -> int:
        """How many keepable variants remain once near-duplicates of an earlier one are counted once."""
        keepable = [j.text for j in judgements if j.keepable]
        if not keepable:
            return 0
        if by_words:
            apart: list[str] = []
            for text in keepable:
                if all(changed_share(other, text) >= MIN_CLOSE_CHANGE for other in apart):
                    apart.append(text)
            return len(apart)
        vecs = self.second.encode(keepable)
        grams = [shingles(t, 3) for t in keepable]
        kept: list[int] = []
        for i in range(len(keepable)):
            if all(
                float(vecs[i] @ vecs[k]) < DISTINCT_COSINE
                and overlap_coefficient(grams[i], grams[k]) < DISTINCT_OVERLAP
                for k in kept
            ):
                kept.append(i)
        return len(kept)
