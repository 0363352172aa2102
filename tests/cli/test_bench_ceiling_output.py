"""``cardwriter bench generation`` prints the ceiling ratio when llama-batched-bench was measured.

The bench's own figures come from the real engine in the slow CLI test; here a made-up
result stands in for it, to check the lines the writer of a report reads.
"""

from __future__ import annotations

import dataclasses

import cardwriter.cli as cli
from cardwriter.evaluation import generation_bench
from cardwriter.evaluation.generation_bench import BenchResult

RESULT = BenchResult(
    model="m",
    n=8,
    tokens_per_sequence=96,
    prompt_tokens=170,
    threads=2,
    plain_seconds=10.0,
    plain_tokens=768,
    plain_tokens_per_s=76.8,
    batched_seconds=4.0,
    batched_tokens=768,
    batched_tokens_per_s=192.0,
    batched_cold_seconds=5.0,
    batched_cold_tokens=768,
    batched_cold_tokens_per_s=153.6,
    speedup=2.5,
    peak_rss_mb_batched=200.0,
    peak_rss_mb=250.0,
)


def run_with(monkeypatch, capsys, result: BenchResult) -> str:
    monkeypatch.setattr(generation_bench, "run_generation_bench", lambda **kw: result)
    assert cli.main(["bench", "generation", "-n", "8"]) == 0
    return capsys.readouterr().out


def test_the_ceiling_ratio_is_printed_when_measured(monkeypatch, capsys):
    measured = dataclasses.replace(
        RESULT, ceiling_tokens_per_s=213.3, ceiling_cold_tokens_per_s=170.7, ceiling_ratio=0.9, ceiling_cold_ratio=0.9
    )
    out = run_with(monkeypatch, capsys, measured)
    assert "ceiling            213.3 tok/s warm, 170.7 cold (llama-batched-bench): (b) at 90% warm, 90% cold" in out


def test_the_decode_alone_is_set_against_the_ceiling(monkeypatch, capsys):
    """What is llama.cpp's own pace and what is ours: the decode's rate and its share of the run."""
    measured = dataclasses.replace(
        RESULT,
        ceiling_tokens_per_s=213.3,
        ceiling_cold_tokens_per_s=170.7,
        ceiling_ratio=0.9,
        ceiling_cold_ratio=0.9,
        batched_decode_share=0.85,
        decode_tokens_per_s=205.0,
        decode_ceiling_ratio=0.961,
        batched_prompt_seconds=0.41,
        generating_tokens_per_s=199.4,
        generating_ceiling_ratio=0.934,
    )
    out = run_with(monkeypatch, capsys, measured)
    assert (
        "(b) generating     199.4 tok/s without its 0.41 s of prompt tails (the ceiling is without its prompt): "
        "93% of the ceiling"
    ) in out
    assert (
        "decode alone       205.0 tok/s inside llama_decode, 85% of (b)'s time: 96% of the ceiling; "
        "the rest is sampling and bookkeeping"
    ) in out
    unmeasured = dataclasses.replace(RESULT, batched_decode_share=0.85, decode_tokens_per_s=205.0)
    out = run_with(monkeypatch, capsys, unmeasured)
    assert "85% of (b)'s time; the rest" in out and "of the ceiling" not in out


def test_without_the_binary_the_bench_says_how_to_get_the_ceiling(monkeypatch, capsys):
    out = run_with(monkeypatch, capsys, RESULT)
    assert "ceiling          not measured: build it with benchmarks/llama_batched_bench.sh" in out
    assert "speedup          2.50x" in out
