"""Streaming fills: variants reach the caller one by one, as they pass, and are never taken back."""

from __future__ import annotations

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup import DropReason
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.protocol import SequenceDone
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
