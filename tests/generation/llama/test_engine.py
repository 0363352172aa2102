"""The batched engine with the real default model (SmolLM2-135M-Instruct, Q4_1) on llama.cpp."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from cardwriter.domain.model import VariantKind
from cardwriter.errors import UserError
from cardwriter.generation import prompts
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.presets import PRESETS, get_preset
from cardwriter.generation.protocol import FINISH_CANCELLED, GenerationRequest, SequenceDone, TextGenerator, TextPiece
from cardwriter.generation.results import collect

from ..conftest import SOURCE

pytestmark = pytest.mark.slow


def request(**kw) -> GenerationRequest:
    return GenerationRequest(**{"source": SOURCE, "n": 4, "seed": 7, "max_tokens": 32, **kw})


def test_engine_is_a_text_generator(engine):
    assert isinstance(engine, TextGenerator)
    assert engine.model_name == "SmolLM2-135M-Instruct.Q4_1"


def test_n_sequences_give_n_non_empty_variants(engine):
    results = collect(engine, request(kind=VariantKind.RESTYLE))
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert all(r.text.strip() for r in results), results
    assert all(0 < r.tokens <= 32 for r in results)
    assert [r.angle for r in results] == ["plainer", "more concrete", "more vivid", "terser"]
    assert [r.seed for r in results] == [7, 8, 9, 10]
    assert len({r.text for r in results}) == 4


def test_same_seed_gives_same_text_and_another_seed_other_text(engine):
    first = [r.text for r in collect(engine, request())]
    again = [r.text for r in collect(engine, request())]
    other = [r.text for r in collect(engine, request(seed=99))]
    assert first == again
    assert first != other


def test_openings_differ_between_siblings(engine):
    events = list(engine.stream(request(n=6, max_tokens=8)))
    firsts = {}
    for e in events:
        if isinstance(e, TextPiece) and e.index not in firsts:
            firsts[e.index] = e.text
    assert len(firsts) == 6
    assert len(set(firsts.values())) == 6, firsts


def test_streaming_arrives_piece_by_piece_and_interleaved(engine):
    events = list(engine.stream(request(n=3, max_tokens=24)))
    pieces = [e for e in events if isinstance(e, TextPiece)]
    done = {e.index: e for e in events if isinstance(e, SequenceDone)}
    assert set(done) == {0, 1, 2}
    for i in range(3):
        mine = [p.text for p in pieces if p.index == i]
        assert len(mine) >= 3, mine  # many pieces, not one block at the end
        assert prompts.clean("".join(mine)) == done[i].text
        last_piece = max(k for k, e in enumerate(events) if isinstance(e, TextPiece) and e.index == i)
        assert events.index(done[i]) > last_piece
    # one batch per step: the first pieces of all sequences come before the second piece of any
    order = [p.index for p in pieces[:3]]
    assert sorted(order) == [0, 1, 2]


def test_cancel_from_another_thread_stops_within_one_token(engine):
    cancel = threading.Event()
    stream = engine.stream(request(n=3, max_tokens=200), cancel)
    seen = []
    for event in stream:
        seen.append(event)
        if isinstance(event, TextPiece) and len(seen) == 5:
            setter = threading.Thread(target=cancel.set)
            setter.start()
            setter.join()
            break
    rest = list(stream)
    assert not any(isinstance(e, TextPiece) for e in rest), rest
    assert sorted(e.index for e in rest) == [0, 1, 2]
    assert all(e.finish_reason == FINISH_CANCELLED for e in rest)
    assert sum(e.tokens for e in rest) == 5


def test_cancel_method_ends_a_long_run_promptly(engine):
    preset = get_preset("balanced")
    ended = {}

    def run():
        events = list(
            engine.stream_prompts(
                ["Once upon a time"] * 2,
                seeds=[1, 2],
                preset=preset,
                max_tokens=[2000] * 2,
                ban_eog=True,
                stop_at_paragraph_end=False,
            )
        )
        ended["at"] = time.perf_counter()
        ended["events"] = events

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(1.0)
    cancelled_at = time.perf_counter()
    engine.cancel()
    worker.join(timeout=10)
    assert not worker.is_alive()
    done = [e for e in ended["events"] if isinstance(e, SequenceDone)]
    assert [e.finish_reason for e in done] == [FINISH_CANCELLED] * 2
    assert 0 < done[0].tokens < 2000
    assert ended["at"] - cancelled_at < 0.5  # a step takes about 15 ms here


def test_finished_sequences_leave_the_batch_and_free_their_cache(engine):
    preset = get_preset("faithful")
    list(
        engine.stream_prompts(
            ["One", "One two three", "Hello"],
            seeds=[1, 2, 3],
            preset=preset,
            max_tokens=[3, 9, 5],
            ban_eog=True,
            stop_at_paragraph_end=False,
        )
    )
    assert [engine.context.last_position(s) for s in range(3)] == [-1, -1, -1]


def test_budgets_are_honoured_per_sequence(engine):
    events = list(
        engine.stream_prompts(
            ["Tell me about the sea."] * 3,
            seeds=[1, 2, 3],
            preset=get_preset("balanced"),
            max_tokens=[2, 7, 13],
            ban_eog=True,
            stop_at_paragraph_end=False,
        )
    )
    done = {e.index: e for e in events if isinstance(e, SequenceDone)}
    assert [done[i].tokens for i in range(3)] == [2, 7, 13]
    assert all(done[i].finish_reason == "length" for i in range(3))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_builds_a_working_sampler_chain(engine, name):
    results = collect(engine, request(n=2, max_tokens=16, preset=name))
    assert all(r.text for r in results)
    assert {r.preset for r in results} == {name}


def test_each_kind_generates(engine):
    for kind, extra in (
        (VariantKind.REWRITE, {}),
        (VariantKind.CONTINUE, {}),
        (VariantKind.RECOMBINE, {"notes": ("The sea does not remember ships.",)}),
    ):
        results = collect(engine, request(n=2, kind=kind, **extra))
        assert all(r.text for r in results), (kind, results)


def test_engine_is_usable_from_a_worker_thread(engine):
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("r", collect(engine, request(n=2, max_tokens=12))))
    worker.start()
    worker.join(timeout=60)
    assert len(out["r"]) == 2 and all(r.text for r in out["r"])


def test_garbage_file_is_refused_before_llama_cpp(tmp_path):
    bad = tmp_path / "garbage.gguf"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(UserError, match=r"garbage\.gguf is not a GGUF model file"):
        LlamaEngine(bad)


def test_truncated_header_is_refused(tmp_path, model_path: Path):
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(model_path.read_bytes()[:4096])
    with pytest.raises(UserError, match=r"cut\.gguf is cut short"):
        LlamaEngine(cut)


def test_file_cut_after_its_header_gives_a_clear_error_from_llama_cpp(tmp_path, model_path: Path):
    cut = tmp_path / "half.gguf"
    cut.write_bytes(model_path.read_bytes()[: 20 * 1024 * 1024])
    # the probe's child finds it first: llama.cpp's reason, and what to do
    with pytest.raises(
        UserError, match=r"llama\.cpp could not load model file .*half\.gguf \(.*\).*choose another model"
    ):
        LlamaEngine(cut)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match=r"nowhere\.gguf .*does not exist"):
        LlamaEngine(tmp_path / "nowhere.gguf")


# -- the shared prefix kept in the KV cache between requests ----------------------


def test_prefix_reuse_gives_the_same_text_as_a_cold_run(engine):
    restyle = request(kind=VariantKind.RESTYLE, max_tokens=24)
    engine.clear_cache()
    assert engine.cached_prefix_tokens == 0
    cold = [r.text for r in collect(engine, restyle)]
    assert engine.cached_prefix_tokens > 0
    warm = [r.text for r in collect(engine, restyle)]
    assert warm == cold
    # a request that shares only part of the prefix (the system prompt, the paragraph) ...
    other = [r.text for r in collect(engine, request(kind=VariantKind.CONTINUE, max_tokens=24))]
    # ... and back: the text never depends on what was asked before
    assert [r.text for r in collect(engine, restyle)] == cold
    engine.clear_cache()
    assert [r.text for r in collect(engine, request(kind=VariantKind.CONTINUE, max_tokens=24))] == other


def test_a_consumer_that_stops_early_frees_the_sequences(engine):
    stream = engine.stream(request(n=3, max_tokens=40))
    for event in stream:
        if isinstance(event, TextPiece):
            break
    stream.close()
    assert [engine.context.last_position(s) for s in range(3)] == [-1, -1, -1]
    assert len(collect(engine, request(n=3, max_tokens=8))) == 3  # and the engine goes on working


def test_long_prompts_and_tails_beyond_one_micro_batch(engine):
    # no shared prefix at all, and two tails of several hundred tokens: more than one
    # llama.cpp micro-batch (512), still one decode call with every tail's logits
    long_a = "Alpha " + " ".join(f"stone{i}" for i in range(300))
    long_b = "Beta " + " ".join(f"river{i}" for i in range(300))
    assert len(engine.tokenize(long_a)) + len(engine.tokenize(long_b)) > 1024
    events = list(
        engine.stream_prompts(
            [long_a, long_b],
            seeds=[1, 2],
            preset=get_preset("balanced"),
            max_tokens=[5, 5],
            ban_eog=True,
            stop_at_paragraph_end=False,
        )
    )
    done = {e.index: e for e in events if isinstance(e, SequenceDone)}
    assert [done[i].tokens for i in range(2)] == [5, 5]


def test_engine_without_prefix_reuse_gives_the_same_text(engine, model_path: Path):
    restyle = request(kind=VariantKind.RESTYLE, max_tokens=16)
    engine.clear_cache()
    expected = [r.text for r in collect(engine, restyle)]
    with LlamaEngine(model_path, n_threads=2, reuse_prefix=False) as plain:
        assert [r.text for r in collect(plain, restyle)] == expected
        assert [r.text for r in collect(plain, restyle)] == expected


def test_each_sequence_reports_how_probable_the_model_found_its_own_tokens(engine):
    """The stack filler judges word salad by this figure instead of decoding each text again."""
    careful = collect(engine, request(preset="faithful", n=4, max_tokens=40))
    loose = collect(engine, request(preset="neutral", n=4, max_tokens=40))
    for result in careful + loose:
        assert result.log_prob is not None and -20.0 < result.log_prob < 0.0, result
    mean_careful = sum(r.log_prob for r in careful) / 4  # type: ignore[misc]
    mean_loose = sum(r.log_prob for r in loose) / 4  # type: ignore[misc]
    # temperature 0.7 and min-p 0.1 keep to the model's likely tokens; the untruncated distribution wanders
    assert mean_careful > mean_loose + 0.5, (mean_careful, mean_loose)
