"""The one chain every candidate of a stack fill passes, in the classic fill and the streaming one alike.

    candidate → text rules → keepability → on topic → fusion → duplicates → model verdict → passed

Each stage is named (``STAGES``) and only sees candidates the stages before it
kept; the first that objects drops the candidate with a ``DropReason`` and a
sentence a writer can read. Cheapest first: text rules are string work, the
keepability and topic stages embed a few sentences, the duplicates stage compares
vectors, and the model's verdict (a decode of the text, asked only of candidates
the engine wrote at a low log-probability) comes last.

- **text rules** (``text_rules``): cut off (trimmed to its last whole sentence,
  or dropped), a list, a label, another language, a summary or talk about the
  task, empty, too short, looping, echoing the prompt, a near-copy of the source;
- **keepability** (``keepability``): no invented name, number or title; the
  paragraph's meaning kept sentence by sentence (rewrites), the story kept
  (continuations);
- **on topic**: a rewrite's cosine to the whole paragraph;
- **fusion** (recombine of two parents): copies them, or ignores one;
- **duplicates**: of the source, of what the stack holds, of a candidate passed
  before it in this fill;
- **model verdict**: the model itself finds the text improbable (word salad).

A candidate that passes is ``accept``-ed by the caller once it is kept (shown or
held for selection): later candidates are then compared with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cardwriter.domain.model import VariantKind
from cardwriter.domain.word_diff import changed_share
from cardwriter.embedding.dedup import filter_candidates
from cardwriter.embedding.dedup_config import REWRITE_KINDS, DedupConfig
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.embedder import Embedder
from cardwriter.generation.results import Generated
from cardwriter.services import text_rules
from cardwriter.services.fill_request import FillRequest
from cardwriter.services.fusion_filters import fusion_reason, improbable, model_scores
from cardwriter.services.keepability import KeepabilityJudge

STAGES = ("text rules", "keepability", "on topic", "fusion", "duplicates", "model verdict")

MIN_CLOSE_CHANGE = 0.08
"""A close rewrite must change at least this share of the paragraph's words, and differ as much from each
variant in the stack (word-level diff): fewer, and the writer sees the same paragraph twice."""

ON_TOPIC_KINDS = REWRITE_KINDS
"""Kinds whose variants must stay about what the source is about (continue and recombine move on)."""


@dataclass(frozen=True)
class Dropped:
    """A candidate the stack did not take: why (an enum), and the sentence a writer can read."""

    candidate: Generated
    reason: DropReason
    detail: str = ""  # e.g. "off topic: cosine 0.412 to the source, needs 0.5"
    cosine: float | None = None  # to the source (off topic) or to what it duplicates
    stage: str = ""  # the chain's stage that dropped it (one of STAGES; "selection" for NOT_PICKED)


@dataclass(frozen=True)
class Passed:
    """A candidate every stage kept: its text as shown (trimmed to a whole sentence) and its vector."""

    candidate: Generated
    vector: np.ndarray


class CandidateChain:
    """The chain for one fill: what is compared against (source, parents, stack) is set up once."""

    def __init__(
        self,
        embedder: Embedder,
        request: FillRequest,
        dedup: DedupConfig,
        scorer: Callable[[list[str]], list[float] | None],
    ) -> None:
        """``scorer`` gives the model's log-probability of texts (None when it cannot: a server)."""
        ask, selection = request.ask, request.selection
        self.embedder = embedder
        self.ask = ask
        self.selection = selection
        self.scorer = scorer
        self.config = dataclasses.replace(
            dedup,
            duplicate_cosine=selection.duplicate_cosine,
            overlap_cosine=min(dedup.overlap_cosine, selection.duplicate_cosine),
        )
        # a close rewrite copies most of the paragraph by design: how much it changes is judged by words
        self.close_config = dataclasses.replace(self.config, copy_kinds=frozenset())
        # combining two notes has no paragraph: the notes are the parents, and stand in for the source
        self.parents = ((ask.source,) if ask.source.strip() else ()) + tuple(n for n in ask.notes if n.strip())
        self.reference = ask.source if ask.source.strip() else "\n\n".join(self.parents)
        self.source_vec = embedder.encode([self.reference])[0]
        dim = self.source_vec.shape[0]
        self.parent_vecs = embedder.encode(list(self.parents)) if self.parents else np.zeros((0, dim), np.float32)
        self.fuse = ask.kind is VariantKind.RECOMBINE and len(self.parents) >= 2
        self.keepability = KeepabilityJudge(
            embedder,
            source=ask.source,
            kind=ask.kind,
            given=(ask.before, ask.after, *ask.notes),
            config=selection.keep,
        )
        held = [t for t in ask.existing if t.strip()]
        self.held_texts: list[str] = held  # the stack, then every candidate accepted
        self.held_vecs = embedder.encode(held) if held else np.zeros((0, dim), np.float32)
        self.stack_size = len(held)  # the first this many of ``held_texts`` were in the stack before the fill

    def judge(self, candidate: Generated) -> Passed | Dropped:
        """Run ``candidate`` through every stage; the first that objects drops it."""
        ask = self.ask
        ruled = text_rules.apply(
            candidate.text,
            source=self.reference,
            parents=self.parents,
            kind=ask.kind,
            config=self.close_config if candidate.close else self.config,
        )
        if isinstance(ruled, text_rules.RuleBroken):
            return Dropped(candidate, ruled.reason, ruled.detail, stage="text rules")
        candidate = dataclasses.replace(candidate, text=ruled)
        unkept = self.keepability.judge(candidate.text)
        if unkept is not None:
            return Dropped(candidate, unkept.reason, unkept.detail, unkept.score, stage="keepability")
        vec = self.embedder.encode([candidate.text])[0]
        if ask.kind in ON_TOPIC_KINDS and ask.source.strip():
            cos = float(vec @ self.source_vec)
            if cos < self.selection.min_source_cosine:
                detail = f"off topic: cosine {cos:.3f} to the source, needs {self.selection.min_source_cosine}"
                return Dropped(candidate, DropReason.OFF_TOPIC, detail, cos, stage="on topic")
        if self.fuse:
            fused = fusion_reason(candidate.text, vec, self.parents, self.parent_vecs, self.selection.fusion)
            if fused is not None:
                return Dropped(candidate, fused[0], fused[1], fused[2], stage="fusion")
        duplicate = self._duplicate(candidate, vec)
        if duplicate is not None:
            return duplicate
        doubts = improbable([candidate.text], [candidate.log_prob], self.scorer, self.selection.fusion)
        if doubts:
            return Dropped(candidate, doubts[0].reason, doubts[0].detail, stage="model verdict")
        return Passed(candidate, vec)

    def accept(self, passed: Passed) -> None:
        """``passed`` is kept (shown, or held for selection): later candidates must not repeat it."""
        self.held_texts.append(passed.candidate.text)
        self.held_vecs = np.vstack([self.held_vecs, passed.vector[None, :]])

    def _duplicate(self, candidate: Generated, vec: np.ndarray) -> Dropped | None:
        if candidate.close:
            return self._close_duplicate(candidate)
        verdict = filter_candidates(
            [candidate.text],
            vec[None, :],
            source=self.reference,
            source_embedding=self.source_vec,
            kind=self.ask.kind,
            stack=self.held_texts,
            stack_embeddings=self.held_vecs if self.held_texts else None,
            config=self.config,
        )
        if not verdict.dropped:
            return None
        drop = verdict.dropped[0]
        reason, detail = drop.reason, drop.detail
        if reason is DropReason.DUPLICATES_STACK and drop.other is not None and drop.other >= self.stack_size:
            reason = DropReason.DUPLICATES_SIBLING  # a candidate of this fill
            detail = detail.replace(f"stack item {drop.other}", "another candidate")
        return Dropped(candidate, reason, detail, drop.cosine, stage="duplicates")

    def _close_duplicate(self, candidate: Generated) -> Dropped | None:
        """A close rewrite shares most of its words with the paragraph and its siblings, so cosine cannot
        tell them apart: it must change ``MIN_CLOSE_CHANGE`` of the paragraph's words, and differ from
        everything the stack holds in as many."""
        text = candidate.text
        share = changed_share(self.reference, text)
        if share < MIN_CLOSE_CHANGE:
            detail = f"changes too little: {share:.0%} of the paragraph's words, needs {MIN_CLOSE_CHANGE:.0%}"
            return Dropped(candidate, DropReason.COPIES_SOURCE, detail, stage="duplicates")
        for i, other in enumerate(self.held_texts):
            apart = changed_share(other, text)
            if apart < MIN_CLOSE_CHANGE:
                reason = DropReason.DUPLICATES_STACK if i < self.stack_size else DropReason.DUPLICATES_SIBLING
                what = f"stack item {i}" if i < self.stack_size else "another candidate"
                detail = f"near-duplicate of {what}: {apart:.0%} of the words differ, needs {MIN_CLOSE_CHANGE:.0%}"
                return Dropped(candidate, reason, detail, stage="duplicates")
        return None


def scorer_for(generator: object) -> Callable[[list[str]], list[float] | None]:
    """The model's log-probabilities of texts through ``generator`` (None from one that cannot score)."""
    return lambda texts: model_scores(generator, texts)
