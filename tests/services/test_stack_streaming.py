"""Streaming fills: variants reach the caller one by one, as they pass, and are never taken back."""

from __future__ import annotations

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup import DropReason
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
        FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=4, seed=3),
        on_variant=lambda v: seen.append((v, generator.finished)),
    )
    asked = generator.requests[0].n
    assert seen and seen[0][1] < asked, "the first variant came while other candidates were still being written"
    assert [v for v, _ in seen] == result.variants, "every variant delivered once, in order, none taken back"
    assert len(result.variants) == 4


def test_the_request_asks_for_early_stops_and_refills():
    generator = Recording(FakeGenerator())
    StackFiller(FakeEmbedder()).fill(generator, FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3))
    request = generator.requests[0]
    assert request.refills == request.n and request.early_stop is not None and request.want_refill is not None
    assert request.early_stop(0, "Sure, here is a rewrite") is True
    assert request.early_stop(1, "The keeper climbed") is False


def test_the_ramp_travels_with_a_streaming_request_only():
    generator = Recording(FakeGenerator())
    filler = StackFiller(FakeEmbedder())
    ramped = FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, ramp_start=2, ramp_every=5)
    filler.fill(generator, ramped)
    filler.fill(generator, FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, ramp_start=0))
    filler.fill(generator, FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, streaming=False))
    asked = [(r.ramp_start, r.ramp_every) for r in generator.requests]
    assert asked[0] == (2, 5) and asked[1][0] == 0 and asked[2][0] == 0


def test_classic_way_asks_for_neither():
    generator = Recording(FakeGenerator())
    StackFiller(FakeEmbedder()).fill(
        generator, FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, streaming=False)
    )
    assert generator.requests[0].refills == 0 and generator.requests[0].early_stop is None


class SameText:
    model_name = "same"

    def stream(self, request, cancel=None):
        for i in range(request.n):
            yield SequenceDone(
                i,
                "Each evening the keeper went up the spiral steps, counting them aloud in the quiet.",
                10,
                "stop",
                0.1,
            )


def test_a_duplicate_of_a_shown_variant_is_dropped_at_once():
    seen = []
    result = StackFiller(FakeEmbedder()).fill(
        SameText(), FillRequest(SOURCE, wanted=3, seed=1, max_rounds=1, min_source_cosine=0.0), on_variant=seen.append
    )
    assert len(seen) == 1 == len(result.variants)
    assert {d.reason for d in result.dropped} <= {DropReason.DUPLICATES_STACK, DropReason.DUPLICATES_SIBLING}
    assert len(result.dropped) == len(result.candidates) - 1


def test_an_opening_stays_with_the_first_candidate_that_took_it():
    generator = Recording(FakeGenerator())
    StackFiller(FakeEmbedder()).fill(generator, FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3))
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
            FillRequest(SOURCE, wanted=3, seed=1, max_rounds=1, min_source_cosine=0.0, streaming=streaming),
        )
        assert len(result.variants) == 1 and len(result.candidates) > 2
        if streaming:  # the duplicates were dropped before the model was asked: one decode, not one per candidate
            assert len(generator.scored) == 1
        else:  # all at once, before dedup (a duplicate must not lose to a sibling the model then drops)
            assert len(generator.scored) == len(result.candidates)


class Probe:
    """Starts ``running`` candidates (a first piece each), finishes ``failing`` of them off topic,
    and notes what ``want_refill`` said after each step."""

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
    full = Probe(running=8)  # 2 wanted, a pool of 3: 8 running at a likely pass rate of one half are enough
    filler.fill(full, FillRequest(SOURCE, wanted=2, seed=1, max_rounds=1))
    assert full.answers == [False]
    few = Probe(running=2)
    filler.fill(few, FillRequest(SOURCE, wanted=2, seed=1, max_rounds=1))
    assert few.answers == [True]
    always = Probe(running=8)
    filler.fill(always, FillRequest(SOURCE, wanted=2, seed=1, max_rounds=1, drain=False))
    assert always.answers == [True]


def test_running_candidates_count_for_less_as_their_siblings_fail():
    probe = Probe(running=8, failing=6)
    StackFiller(FakeEmbedder()).fill(probe, FillRequest(SOURCE, wanted=2, seed=1, max_rounds=1))
    assert probe.answers[0] is False and probe.answers[-1] is True, probe.answers


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
        FillRequest(SOURCE, kind=VariantKind.RESTYLE, wanted=2, seed=3, max_rounds=1),
        on_variant=lambda v: seen.append(len(held)),
    )
    assert held[0] is True and seen
    assert all(held[: seen[0]]) and not any(held[seen[0] :])  # held until the first variant, never after
