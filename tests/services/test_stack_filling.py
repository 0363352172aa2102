"""The logic of filling a stack, around a deterministic generator and embedder.

The real model and the real embedder are exercised by the GUI's whole-flow
test and by the generation and embedding tests; here the fakes let us pin
down what happens to duplicates, shortfalls, cancels and provenance.
"""

from __future__ import annotations

import threading

import pytest

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.prompts import REWRITE_MIX
from cardwriter.generation.protocol import SequenceDone, TextPiece
from cardwriter.services.fill_chain import STAGES
from cardwriter.services.fusion_filters import FusionConfig
from cardwriter.services.keepability import KeepConfig
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
        FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=3, seed=11, preset="bold", streaming=False),
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


# A rewrite that keeps the paragraph's facts and meaning (as the fake embedder sees meaning: shared
# words) without copying it: every stage but the duplicates one lets it through.
PARAPHRASE = "Every evening the old keeper climbed the winding lighthouse stairs, counting aloud so the silence would not swallow him."


def test_identical_candidates_collapse_to_one_and_the_shortfall_is_reported():
    generator = SameTextGenerator(PARAPHRASE)
    result = StackFiller(FakeEmbedder()).fill(
        generator, FillRequest.build(source=SOURCE, wanted=4, seed=1, max_rounds=2, streaming=False)
    )
    assert len(result.variants) == 1
    assert result.shortfall == 3
    assert generator.calls == 2, "it tried a bounded number of top-up rounds"
    siblings = [d for d in result.dropped if d.reason is DropReason.DUPLICATES_SIBLING]
    assert siblings and all(d.cosine is not None and d.cosine >= 0.92 for d in siblings)
    assert all("near-duplicate" in d.detail for d in siblings), "the sentence a writer reads says why"


def test_what_the_stack_holds_is_never_offered_again():
    result = StackFiller(FakeEmbedder()).fill(
        SameTextGenerator(PARAPHRASE), FillRequest.build(source=SOURCE, wanted=2, existing=(PARAPHRASE,), max_rounds=1)
    )
    assert result.variants == []
    assert result.dropped and all(d.reason is DropReason.DUPLICATES_STACK for d in result.dropped)
    assert {d.stage for d in result.dropped} == {"duplicates"}


def test_refined_variants_name_their_parent_and_notes():
    result = StackFiller(FakeEmbedder()).fill(
        FakeGenerator(),
        # the fake only shuffles the paragraph's words, so the both-parents check is relaxed here
        FillRequest.build(
            source=SOURCE,
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
    result = StackFiller(FakeEmbedder()).fill(FakeGenerator(), FillRequest.build(source=SOURCE, wanted=3), cancel)
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


ON_TOPIC = PARAPHRASE
OFF_TOPIC = "Shares in the mining company fell sharply after the quarterly report disappointed investors."
MOVES_ON = "At the top he lit the great lamp and stood by the window, watching the dark water below."


def test_off_topic_candidates_are_dropped_for_rewrites_and_kept_for_continuations():
    embedder = FakeEmbedder()
    src, on, off, moves_on = embedder.encode([SOURCE, ON_TOPIC, OFF_TOPIC, MOVES_ON])
    assert on @ src >= 0.5 > moves_on @ src > off @ src, "the fixture texts must straddle the threshold"
    rewrite = StackFiller(embedder).fill(
        ListGenerator([ON_TOPIC, OFF_TOPIC]),
        FillRequest.build(source=SOURCE, wanted=1, overgenerate=2, seed=3, max_rounds=1),
    )
    assert [v.text for v in rewrite.variants] == [ON_TOPIC]
    (lost,) = rewrite.dropped
    assert lost.candidate.text == OFF_TOPIC and lost.reason is DropReason.LOSES_MEANING, "keepability sees it first"
    # with the meaning check off, the topic check still keeps it out of the stack
    topic_only = StackFiller(embedder).fill(
        ListGenerator([ON_TOPIC, OFF_TOPIC]),
        FillRequest.build(
            source=SOURCE, wanted=1, overgenerate=2, seed=3, max_rounds=1, keep=KeepConfig(meaning=False)
        ),
    )
    assert [v.text for v in topic_only.variants] == [ON_TOPIC]
    (off,) = [d for d in topic_only.dropped if d.reason is DropReason.OFF_TOPIC]
    assert off.candidate.text == OFF_TOPIC and off.cosine < 0.5 and off.detail.startswith("off topic")
    assert off.stage == "on topic"
    cont = StackFiller(embedder).fill(
        ListGenerator([MOVES_ON]),
        FillRequest.build(source=SOURCE, kind=VariantKind.CONTINUE, wanted=1, overgenerate=1, seed=3, max_rounds=1),
    )
    assert [v.text for v in cont.variants] == [MOVES_ON], "a continuation moves on; it is not held to the source"


def test_all_off_topic_rounds_top_up_and_report_the_shortfall():
    generator = ListGenerator([OFF_TOPIC])
    result = StackFiller(FakeEmbedder()).fill(
        generator, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=3)
    )
    assert result.variants == [] and result.shortfall == 2 and result.rounds == 3
    assert len(generator.requests) == 3
    assert len({r.seed for r in generator.requests}) == 3, "each top-up round samples with fresh seeds"


def test_rewrites_mix_intents_unless_an_angle_is_asked_for():
    generator = FakeGenerator()
    filler = StackFiller(FakeEmbedder())
    filler.fill(generator, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=1))
    assert generator.requests[-1].angles == REWRITE_MIX
    filler.fill(generator, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=1, mix_rewrites=False))
    assert generator.requests[-1].angles == ()
    filler.fill(
        generator,
        FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, angles=("terser", "warmer"), wanted=2, max_rounds=1),
    )
    assert generator.requests[-1].angles == ("terser", "warmer")


def test_picked_candidates_line_up_with_the_variants():
    result = StackFiller(FakeEmbedder()).fill(FakeGenerator(), FillRequest.build(source=SOURCE, wanted=3, seed=5))
    assert len(result.picked) == len(result.variants) == 3
    for variant, candidate in zip(result.variants, result.picked, strict=True):
        assert variant.text == candidate.text and variant.provenance.seed == candidate.seed
        assert candidate.tokens > 0 and candidate.finish_reason == "stop"
        assert variant.provenance.angle == candidate.angle and variant.provenance.model == candidate.model
    assert all(c.model == "fake" and c.kind is VariantKind.REWRITE for c in result.candidates)


def test_every_candidate_is_either_picked_or_dropped_for_one_reason():
    for streaming in (True, False):
        result = StackFiller(FakeEmbedder()).fill(
            FakeGenerator(), FillRequest.build(source=SOURCE, wanted=3, seed=5, overgenerate=3, streaming=streaming)
        )
        # the chain may trim a candidate to its last whole sentence: a candidate is its round and index
        written = {(c.round, c.index): c.text for c in result.candidates}
        judged = [*result.picked, *(d.candidate for d in result.dropped)]
        assert sorted((c.round, c.index) for c in judged) == sorted(written)
        assert all(written[c.round, c.index].startswith(c.text) for c in judged)
        assert all(isinstance(d.reason, DropReason) for d in result.dropped)
        assert all(d.stage in (*STAGES, "selection") for d in result.dropped)
        assert {c.round for c in result.candidates} <= set(range(result.rounds))


def test_keep_my_voice_passes_closeness_into_the_selection():
    """A closeness function that favours one candidate's text puts it in a one-variant stack."""
    # the whole pool, then selection: streaming shows its first arrivals before any selection
    plain = StackFiller(FakeEmbedder()).fill(
        FakeGenerator(),
        FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=1, seed=11, max_rounds=1, streaming=False),
    )
    # a candidate that passed every stage, and that MMR alone did not pick
    favourite = next(d.candidate.text for d in plain.dropped if d.reason is DropReason.NOT_PICKED)
    seen = []

    def closeness(texts):
        seen.append(list(texts))
        return [1.0 if t == favourite else 0.0 for t in texts]

    kept = StackFiller(FakeEmbedder()).fill(
        FakeGenerator(),
        FillRequest.build(
            source=SOURCE,
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


def test_the_default_preset_suits_the_model_size():
    """A small model that says its size samples faithfully; a larger one, or one that cannot say, gets balanced."""

    class Sized(FakeGenerator):
        def __init__(self, n_params):
            super().__init__()
            self.n_params = n_params

    for generator, preset in ((Sized(135_000_000), "faithful"), (Sized(7_000_000_000), "balanced")):
        result = StackFiller(FakeEmbedder()).fill(generator, FillRequest.build(source=SOURCE, wanted=2, seed=1))
        assert {r.preset for r in generator.requests} == {preset}
        assert result.variants and all(v.provenance.preset == preset for v in result.variants)
    plain = FakeGenerator()
    StackFiller(FakeEmbedder()).fill(plain, FillRequest.build(source=SOURCE, wanted=2, seed=1))
    assert {r.preset for r in plain.requests} == {"balanced"}
    chosen = Sized(135_000_000)
    StackFiller(FakeEmbedder()).fill(chosen, FillRequest.build(source=SOURCE, wanted=2, seed=1, preset="bold"))
    assert {r.preset for r in chosen.requests} == {"bold"}, "a preset asked for by name is kept"


def test_a_request_is_built_and_changed_by_its_fields_names_wherever_they_live():
    request = FillRequest.build(source=SOURCE, wanted=3, mmr_lambda=0.5, pool=2.0)
    assert (request.ask.wanted, request.selection.mmr_lambda, request.schedule.pool) == (3, 0.5, 2.0)
    changed = request.changed(source="Another paragraph.", streaming=False, keep=KeepConfig(facts=False))
    assert changed.ask.source == "Another paragraph." and changed.ask.wanted == 3
    assert changed.schedule.streaming is False and changed.selection.keep.facts is False
    assert request.ask.source == SOURCE and request.schedule.streaming is True, "the original is left as it was"
    assert FillRequest.field_default("pool") == 1.5 and FillRequest.field_default("preset") == "auto"
    with pytest.raises(TypeError, match="no field 'wnated'"):
        request.changed(wnated=2)
    with pytest.raises(KeyError):
        FillRequest.field_default("wnated")


def test_a_short_stack_says_how_many_passed_and_the_commonest_reasons_the_others_did_not():
    from cardwriter.generation.results import Generated
    from cardwriter.services.fill_chain import Dropped
    from cardwriter.services.stack_filling import FillResult

    def candidate(i: int) -> Generated:
        return Generated(i, f"text {i}", VariantKind.REWRITE, None, "faithful", i, "m", 10, "stop", 0.1)

    result = FillResult(wanted=8)
    result.dropped = [
        Dropped(candidate(0), DropReason.INVENTS_FACTS),
        Dropped(candidate(1), DropReason.INVENTS_FACTS),
        Dropped(candidate(2), DropReason.LOSES_MEANING),
        Dropped(candidate(3), DropReason.NOT_PICKED),
        Dropped(candidate(4), DropReason.NOT_PICKED),
        Dropped(candidate(5), DropReason.NOT_PICKED),
        Dropped(candidate(6), DropReason.LIST),
    ]
    message = result.shortfall_message()
    assert message.startswith("Found 0 variants worth keeping of 8 asked for")
    # the two commonest reasons a candidate failed, never "not picked" (those passed)
    assert DropReason.INVENTS_FACTS.label in message and DropReason.LOSES_MEANING.label in message
    assert DropReason.NOT_PICKED.label not in message and DropReason.LIST.label not in message
