"""A run owns the context only while it runs: an abandoned or slow consumer blocks nobody."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.protocol import FINISH_CANCELLED, GenerationRequest, SequenceDone, TextPiece
from cardwriter.generation.results import collect, finished

from ..conftest import SOURCE

pytestmark = pytest.mark.slow


def request(**kw) -> GenerationRequest:
    return GenerationRequest(**{"source": SOURCE, "n": 3, "seed": 7, "max_tokens": 40, **kw})


def texts(events) -> list[str]:
    done = finished(events)
    return [done[i].text for i in sorted(done)]


def assert_ends_cancelled(rest: list, indices: list[int]) -> None:
    assert not any(isinstance(e, TextPiece) for e in rest), rest
    assert sorted(e.index for e in rest) == indices
    assert all(isinstance(e, SequenceDone) and e.finish_reason == FINISH_CANCELLED for e in rest)


def test_an_abandoned_stream_does_not_block_a_request_from_another_thread(engine):
    small = request(n=2, max_tokens=8, seed=3)
    alone = [r.text for r in collect(engine, small)]
    first = engine.stream(request())
    assert isinstance(next(first), TextPiece)  # then the consumer walks away, keeping the generator
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("texts", [r.text for r in collect(engine, small)]))
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the second request waited for the abandoned one"
    assert out["texts"] == alone  # and its text does not depend on the abandoned run
    assert_ends_cancelled(list(first), [0, 1, 2])  # the old consumer, back, learns it was superseded


def test_a_request_made_inside_another_streams_loop_runs(engine):
    outer = engine.stream(request(n=2, max_tokens=30))
    for event in outer:
        assert isinstance(event, TextPiece)
        inner = collect(engine, request(n=2, max_tokens=6, seed=11))
        break
    assert len(inner) == 2 and all(r.text for r in inner)
    assert_ends_cancelled(list(outer), [0, 1])
    assert len(collect(engine, request(n=2, max_tokens=6))) == 2  # the engine goes on working


def test_close_is_not_blocked_by_an_abandoned_stream(model_path: Path):
    engine = LlamaEngine(model_path, n_threads=2)
    first = engine.stream(request())
    next(first)
    closer = threading.Thread(target=engine.close)
    closer.start()
    closer.join(timeout=10)
    assert not closer.is_alive(), "close() waited for the abandoned stream"
    assert_ends_cancelled(list(first), [0, 1, 2])
    with pytest.raises(RuntimeError, match=r"SmolLM2-135M-Instruct\.Q4_1\.gguf is closed"):
        list(engine.stream(request()))


def test_clearing_the_cache_during_a_run_leaves_its_text_alone(engine):
    expected = texts(engine.stream(request()))
    stream = engine.stream(request())
    events = [next(stream)]
    engine.clear_cache()
    events += list(stream)
    assert texts(events) == expected
    assert engine.cached_prefix_tokens == 0
