"""Streaming fills: variants reach the caller one by one, as they pass, and are never taken back."""

from __future__ import annotations

import math

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.protocol import SequenceDone, TextPiece
from cardwriter.services.stack_filling import FillRequest, StackFiller

SOURCE = "The old lighthouse keeper climbed the stairs every evening, counting each step in the silence."


class Recording:
    """The fake generator, noting how many sequences had finished when."""

    def __init__(self, inner):
        self.inner = inner
        self.model_name = inner.model_name
        self.finished = 0
        self.requests = []

    def stream(self, request, cancel=None):
        self.requests.append(request)
        for event in self.inner.stream(request, cancel):
            if isinstance(event, SequenceDone):
                self.finished += 1
            yield event


def test_the_first_variant_arrives_before_its_siblings_finish():
    generator = Recording(FakeGenerator())
    seen = []
    result = StackFiller(FakeEmbedder()).fill(
        generator,
        FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=4, seed=3),
        on_variant=lambda v: seen.append((v, generator.finished)),
    )
    asked = generator.requests[0].n
    assert seen and seen[0][1] < asked, "the first variant came while other candidates were still being written"
    assert [v for v, _ in seen] == result.variants, "every variant delivered once, in order, none taken back"
    assert len(result.variants) == 4


def test_the_request_asks_for_early_stops_and_refills():
    generator = Recording(FakeGenerator())
    StackFiller(FakeEmbedder()).fill(
        generator, FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3)
    )
    request = generator.requests[0]
    assert request.refills == request.n and request.early_stop is not None and request.want_refill is not None
    assert request.early_stop(0, "Sure, here is a rewrite") is True
    assert request.early_stop(1, "The keeper climbed") is False


def test_the_ramp_travels_with_a_streaming_request_only():
    generator = Recording(FakeGenerator())
    filler = StackFiller(FakeEmbedder())
    ramped = FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, ramp_start=2, ramp_every=5)
    filler.fill(generator, ramped)
    filler.fill(generator, FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, ramp_start=0))
    filler.fill(
        generator, FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, streaming=False)
    )
    asked = [(r.ramp_start, r.ramp_every) for r in generator.requests]
    assert asked[0] == (2, 5) and asked[1][0] == 0 and asked[2][0] == 0


def test_classic_way_asks_for_neither():
    generator = Recording(FakeGenerator())
    StackFiller(FakeEmbedder()).fill(
        generator, FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, streaming=False)
    )
    assert generator.requests[0].refills == 0 and generator.requests[0].early_stop is None


# A rewrite that keeps the paragraph's facts and meaning (for the fake embedder: shares its words) without copying it
REWRITE = "Each evening the old keeper climbed the lighthouse stairs, counting every step in the silence."
NEAR_REWRITE = "Each evening the old keeper climbed the lighthouse stairs, counting every step in the deep silence."


class SameText:
    model_name = "same"

    def stream(self, request, cancel=None):
        for i in range(request.n):
            yield SequenceDone(i, REWRITE, 10, "stop", 0.1)


def test_a_duplicate_of_a_shown_variant_is_dropped_at_once():
    seen = []
    result = StackFiller(FakeEmbedder()).fill(
        SameText(), FillRequest.build(source=SOURCE, wanted=3, seed=1, max_rounds=1), on_variant=seen.append
    )
    assert len(seen) == 1 == len(result.variants)
    assert {d.reason for d in result.dropped} == {DropReason.DUPLICATES_SIBLING}
    assert len(result.dropped) == len(result.candidates) - 1


def test_an_opening_stays_with_the_first_candidate_that_took_it():
    generator = Recording(FakeGenerator())
    StackFiller(FakeEmbedder()).fill(
        generator, FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3)
    )
    early_stop = generator.requests[0].early_stop
    assert early_stop(0, "Every evening the keeper climbed") is False
    assert early_stop(1, "Every evening the keeper went up") is True  # the same first four words
    assert early_stop(0, "Every evening the keeper climbed the stairs") is False  # its own opening is no bar
    assert early_stop(2, "Sure, every night the keeper") is True
    assert early_stop(3, "At dusk the old man climbed") is False
    assert early_stop(4, "At dusk the old man went") is True


class SameTextScored(SameText):
    """Writes one text over and over, and notes every text the filler asks it to score."""

    def __init__(self):
        self.scored: list[str] = []

    def score(self, texts):
        self.scored.extend(texts)
        return [-3.0] * len(texts)


def test_the_model_scores_only_what_every_cheaper_filter_kept():
    for streaming in (True, False):
        generator = SameTextScored()
        result = StackFiller(FakeEmbedder()).fill(
            generator,
            FillRequest.build(source=SOURCE, wanted=3, seed=1, max_rounds=1, streaming=streaming),
        )
        assert len(result.variants) == 1 and len(result.candidates) > 2
        # either way one chain: the duplicates were dropped before the model was asked, one decode in all
        assert generator.scored == [REWRITE], streaming


class Scripted:
    """Writes ``texts`` in turn, and scores each text as ``scores`` says."""

    model_name = "scripted"

    def __init__(self, texts, scores):
        self.texts, self.scores = texts, scores

    def stream(self, request, cancel=None):
        for i in range(request.n):
            yield SequenceDone(i, self.texts[i % len(self.texts)], 10, "stop", 0.1)

    def score(self, texts):
        return [self.scores[t] for t in texts]


def test_a_candidate_the_model_drops_does_not_shut_out_its_near_duplicate():
    for streaming in (True, False):
        generator = Scripted([REWRITE, NEAR_REWRITE], {REWRITE: -20.0, NEAR_REWRITE: -3.0})
        result = StackFiller(FakeEmbedder()).fill(
            generator, FillRequest.build(source=SOURCE, wanted=1, seed=1, max_rounds=1, streaming=streaming)
        )
        assert [v.text for v in result.variants] == [NEAR_REWRITE], streaming
        (improbable,) = [d for d in result.dropped if d.candidate.text == REWRITE]
        assert improbable.reason is DropReason.IMPROBABLE and improbable.stage == "model verdict"


class Probe:
    """Starts ``running`` candidates (a first piece each), finishes ``failing`` of them with a text the
    chain drops (it is not about the paragraph), and notes what ``want_refill`` said after each step."""

    model_name = "probe"

    def __init__(self, running: int, failing: int = 0):
        self.running, self.failing = running, failing
        self.answers: list[bool] = []

    def stream(self, request, cancel=None):
        for i in range(self.running):
            yield TextPiece(i, "Bananas")
        self.answers.append(request.want_refill())
        for i in range(self.failing):
            yield SequenceDone(i, "Bananas are yellow and grow in warm countries far from any sea.", 12, "stop", 0.1)
            self.answers.append(request.want_refill())


def test_no_fresh_candidate_while_those_running_will_likely_fill_the_pool():
    filler = StackFiller(FakeEmbedder())
    roomy = {"max_candidates": 10.0}  # the round's budget of candidates is far off: only the draining decides
    full = Probe(running=8)  # 2 wanted, a pool of 3: 8 running at a likely pass rate of one half are enough
    filler.fill(full, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=1, **roomy))
    assert full.answers == [False]
    few = Probe(running=2)
    filler.fill(few, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=1, **roomy))
    assert few.answers == [True]
    always = Probe(running=8)
    filler.fill(always, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=1, drain=False, **roomy))
    assert always.answers == [True]


def test_running_candidates_count_for_less_as_their_siblings_fail():
    probe = Probe(running=8, failing=6)
    StackFiller(FakeEmbedder()).fill(
        probe, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=1, max_candidates=10.0)
    )
    assert probe.answers[0] is False and probe.answers[-1] is True, probe.answers


class Refilling:
    """Starts ``request.n`` candidates, then finishes them one by one with ``text``, starting a fresh one
    whenever ``want_refill`` asks for it, up to ``limit`` in all (whatever ``request.refills`` allows: the
    engine stops there too, this fake leaves it to ``want_refill``)."""

    model_name = "refilling"

    def __init__(self, text: str, limit: int = 100):
        self.text, self.limit = text, limit
        self.started = 0
        self.total = 0

    def stream(self, request, cancel=None):
        for i in range(request.n):
            yield TextPiece(i, self.text.split()[0])
        self.started, self.total = request.n, request.total
        done = 0
        while done < self.started:
            yield SequenceDone(done, self.text, 12, "stop", 0.1)
            done += 1
            if self.started < self.limit and request.want_refill():
                yield TextPiece(self.started, self.text.split()[0])
                self.started += 1


def test_a_round_writes_at_most_max_candidates_per_variant_it_needs():
    failing = "Bananas are yellow and grow in warm countries far from any sea."
    for per_variant, wanted in ((4.0, 2), (2.5, 2), (4.0, 3)):
        generator = Refilling(failing)
        result = StackFiller(FakeEmbedder()).fill(
            generator,
            FillRequest.build(source=SOURCE, wanted=wanted, seed=1, max_rounds=1, max_candidates=per_variant),
        )
        assert result.variants == [] and result.shortfall == wanted
        budget = math.ceil(wanted * per_variant)
        assert generator.started == len(result.candidates) == generator.total == budget, (per_variant, wanted)
    passing = Refilling(REWRITE)  # the first passes and the rest duplicate it: the same budget stops the round
    StackFiller(FakeEmbedder()).fill(passing, FillRequest.build(source=SOURCE, wanted=2, seed=1, max_rounds=1))
    assert passing.started == passing.total == 8


def test_the_ramp_holds_until_the_first_variant_is_shown():
    held = []

    class Watching(Recording):
        def stream(self, request, cancel=None):
            held.append(request.hold_while())
            for event in super().stream(request, cancel):
                yield event
                held.append(request.hold_while())

    seen = []
    StackFiller(FakeEmbedder()).fill(
        Watching(FakeGenerator()),
        FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, max_rounds=1),
        on_variant=lambda v: seen.append(len(held)),
    )
    assert held[0] is True and seen
    assert all(held[: seen[0]]) and not any(held[seen[0] :])  # held until the first variant, never after
