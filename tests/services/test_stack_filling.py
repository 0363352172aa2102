"""The logic of filling a stack, around a deterministic generator and embedder.

The real model and the real embedder are exercised by the GUI's whole-flow
test and by the generation and embedding tests; here the fakes let us pin
down what happens to duplicates, shortfalls, cancels and provenance.
"""

from __future__ import annotations

import threading

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup import DropReason
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.prompts import REWRITE_MIX
from cardwriter.generation.protocol import SequenceDone, TextPiece
from cardwriter.services.fusion_filters import FusionConfig
from cardwriter.services.stack_filling import FillRequest, StackFiller

SOURCE = (
    "The old keeper climbed the winding stairs of the lighthouse every evening, "
    "counting the steps aloud so that the silence would not swallow him whole."
)


class SameTextGenerator:
    """Every sequence writes the same sentence: the collapse our pipeline must catch."""

    model_name = "same"

    def __init__(self, text: str):
        self.text = text
        self.calls = 0

    def stream(self, request, cancel=None):
        self.calls += 1
        for i in range(request.n):
            yield TextPiece(i, self.text)
            yield SequenceDone(i, self.text, 10, "stop", 0.01)


def test_fills_the_wanted_number_with_provenance():
    pieces = []
    result = StackFiller(FakeEmbedder()).fill(
        FakeGenerator(),
        FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=3, seed=11, preset="bold", streaming=False),
        on_piece=lambda i, text: pieces.append((i, text)),
    )
    assert len(result.variants) == 3 and result.shortfall == 0
    assert len({v.text for v in result.variants}) == 3
    assert all(v.provenance.model == "fake" and v.provenance.preset == "bold" for v in result.variants)
    assert all(v.provenance.angle for v in result.variants), "restyle variants carry their angle"
    assert len({v.provenance.seed for v in result.variants}) == 3
    assert len(result.candidates) == 6, "classic: twice as many candidates as variants wanted"
    grown = [text for i, text in pieces if i == 0]
    assert len(grown) > 3 and all(a in b for a, b in zip(grown, grown[1:], strict=False)), (
        "streamed text grows piece by piece"
    )


def test_identical_candidates_collapse_to_one_and_the_shortfall_is_reported():
    generator = SameTextGenerator(
        "Each evening the keeper went up the spiral steps, saying their number out loud against the quiet."
    )
    # The fake embedder knows words, not meaning: this paraphrase shares few words with
    # the source, so the on-topic filter is switched off to test dedup alone.
    result = StackFiller(FakeEmbedder()).fill(
        generator, FillRequest(SOURCE, wanted=4, seed=1, max_rounds=2, min_source_cosine=0.0, streaming=False)
    )
    assert len(result.variants) == 1
    assert result.shortfall == 3
    assert generator.calls == 2, "it tried a bounded number of top-up rounds"
    siblings = [d for d in result.dropped if d.reason is DropReason.DUPLICATES_SIBLING]
    assert siblings and all(d.cosine is not None and d.cosine >= 0.92 for d in siblings)
    assert all("near-duplicate" in d.detail for d in siblings), "the sentence a writer reads says why"


def test_what_the_stack_holds_is_never_offered_again():
    text = "Each evening the keeper went up the spiral steps, saying their number out loud against the quiet."
    result = StackFiller(FakeEmbedder()).fill(
        SameTextGenerator(text), FillRequest(SOURCE, wanted=2, existing=(text,), max_rounds=1, min_source_cosine=0.0)
    )
    assert result.variants == []
    assert result.dropped and all(d.reason is DropReason.DUPLICATES_STACK for d in result.dropped)


def test_refined_variants_name_their_parent_and_notes():
    result = StackFiller(FakeEmbedder()).fill(
        FakeGenerator(),
        # the fake only shuffles the paragraph's words, so the both-parents check is relaxed here
        FillRequest(
            SOURCE,
            kind=VariantKind.RECOMBINE,
            notes=("The sea is blue.",),
            note_ids=("n1",),
            parent_id="p",
            wanted=2,
            fusion=FusionConfig(min_shared_words=0, cosine_margin=-2.0),
        ),
    )
    assert result.variants
    assert all(v.provenance.parent_id == "p" and v.provenance.note_ids == ("n1",) for v in result.variants)


def test_cancel_stops_without_variants():
    cancel = threading.Event()
    cancel.set()
    result = StackFiller(FakeEmbedder()).fill(FakeGenerator(), FillRequest(SOURCE, wanted=3), cancel)
    assert result.cancelled and result.variants == []


class ListGenerator:
    """The sequences write ``texts`` in turn, cycling across requests; records every request."""

    model_name = "list"

    def __init__(self, texts):
        self.texts = texts
        self.requests = []
        self.written = 0

    def stream(self, request, cancel=None):
        self.requests.append(request)
        for i in range(request.n):
            text = self.texts[self.written % len(self.texts)]
            self.written += 1
            yield SequenceDone(i, text, 12, "stop", 0.01)


ON_TOPIC = "Every evening the old keeper went up the winding lighthouse stairs, counting aloud so the silence would not swallow him."
OFF_TOPIC = "Shares in the mining company fell sharply on Tuesday after the quarterly report disappointed investors."


def test_off_topic_candidates_are_dropped_for_rewrites_and_kept_for_continuations():
    embedder = FakeEmbedder()
    src, on, off = embedder.encode([SOURCE, ON_TOPIC, OFF_TOPIC])
    assert on @ src >= 0.5 > off @ src, "the fixture texts must straddle the threshold"
    rewrite = StackFiller(embedder).fill(
        ListGenerator([ON_TOPIC, OFF_TOPIC]), FillRequest(SOURCE, wanted=1, overgenerate=2, seed=3, max_rounds=1)
    )
    assert [v.text for v in rewrite.variants] == [ON_TOPIC]
    (off,) = [d for d in rewrite.dropped if d.reason is DropReason.OFF_TOPIC]
    assert off.candidate.text == OFF_TOPIC and off.cosine < 0.5 and off.detail.startswith("off topic")
    cont = StackFiller(embedder).fill(
        ListGenerator([OFF_TOPIC]),
        FillRequest(SOURCE, kind=VariantKind.CONTINUE, wanted=1, overgenerate=1, seed=3, max_rounds=1),
    )
    assert [v.text for v in cont.variants] == [OFF_TOPIC], "a continuation moves on; it is not held to the source"


def test_all_off_topic_rounds_top_up_and_report_the_shortfall():
    generator = ListGenerator([OFF_TOPIC])
    result = StackFiller(FakeEmbedder()).fill(generator, FillRequest(SOURCE, wanted=2, seed=1, max_rounds=3))
    assert result.variants == [] and result.shortfall == 2 and result.rounds == 3
    assert len(generator.requests) == 3
    assert len({r.seed for r in generator.requests}) == 3, "each top-up round samples with fresh seeds"


def test_rewrites_mix_intents_unless_an_angle_is_asked_for():
    generator = FakeGenerator()
    filler = StackFiller(FakeEmbedder())
    filler.fill(generator, FillRequest(SOURCE, wanted=2, seed=1, max_rounds=1))
    assert generator.requests[-1].angles == REWRITE_MIX
    filler.fill(generator, FillRequest(SOURCE, wanted=2, seed=1, max_rounds=1, mix_rewrites=False))
    assert generator.requests[-1].angles == ()
    filler.fill(
        generator, FillRequest(SOURCE, kind=VariantKind.RESTYLE, angles=("terser", "warmer"), wanted=2, max_rounds=1)
    )
    assert generator.requests[-1].angles == ("terser", "warmer")


def test_picked_candidates_line_up_with_the_variants():
    result = StackFiller(FakeEmbedder()).fill(FakeGenerator(), FillRequest(SOURCE, wanted=3, seed=5))
    assert len(result.picked) == len(result.variants) == 3
    for variant, candidate in zip(result.variants, result.picked, strict=True):
        assert variant.text == candidate.text and variant.provenance.seed == candidate.seed
        assert candidate.tokens > 0 and candidate.finish_reason == "stop"
        assert variant.provenance.angle == candidate.angle and variant.provenance.model == candidate.model
    assert all(c.model == "fake" and c.kind is VariantKind.REWRITE for c in result.candidates)


def test_every_candidate_is_either_picked_or_dropped_for_one_reason():
    result = StackFiller(FakeEmbedder()).fill(FakeGenerator(), FillRequest(SOURCE, wanted=3, seed=5, overgenerate=3))
    dropped = [d.candidate for d in result.dropped]
    assert sorted(map(id, result.picked + dropped)) == sorted(map(id, result.candidates))
    assert all(isinstance(d.reason, DropReason) for d in result.dropped)
    assert {c.round for c in result.candidates} <= set(range(result.rounds))


def test_keep_my_voice_passes_closeness_into_the_selection():
    """A closeness function that favours one candidate's text puts it in a one-variant stack."""
    # the whole pool, then selection: streaming shows its first arrivals before any selection
    plain = StackFiller(FakeEmbedder()).fill(
        FakeGenerator(), FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=1, seed=11, max_rounds=1, streaming=False)
    )
    candidates = [c.text for c in plain.candidates]
    favourite = next(t for t in candidates if t != plain.variants[0].text)
    seen = []

    def closeness(texts):
        seen.append(list(texts))
        return [1.0 if t == favourite else 0.0 for t in texts]

    kept = StackFiller(FakeEmbedder()).fill(
        FakeGenerator(),
        FillRequest(
            SOURCE,
            kind=VariantKind.RESTYLE,
            wanted=1,
            seed=11,
            max_rounds=1,
            closeness=closeness,
            closeness_weight=5.0,
            streaming=False,
        ),
    )
    assert seen and favourite in seen[0]
    assert [v.text for v in kept.variants] == [favourite]
