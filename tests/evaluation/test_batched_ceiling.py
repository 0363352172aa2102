"""Finding and reading llama-batched-bench for the generation bench's ceiling ratio.

The binary itself takes minutes to build (benchmarks/llama_batched_bench.sh), so these
tests read its documented jsonl rows, and run a stand-in script that prints one, to
check the flags we pass and what we make of the row.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from cardwriter.evaluation.batched_ceiling import BINARY_ENV, bench_binary, ceiling_from_output, measure_ceiling

ROW = {"n_kv_max": 4352, "pp": 167, "tg": 96, "pl": 8, "t_pp": 0.5, "t_tg": 4.0, "speed_tg": 192.0}


def test_the_row_for_n_gives_warm_and_cold_generated_tokens_per_second():
    other = dict(ROW, pl=4, t_tg=1.0)
    output = "llama_model_load: loading\n" + json.dumps(other) + "\n" + json.dumps(ROW) + "\n"
    ceiling = ceiling_from_output(output, 8)
    assert ceiling is not None
    assert ceiling.warm_tokens_per_s == pytest.approx(8 * 96 / 4.0)
    assert ceiling.cold_tokens_per_s == pytest.approx(8 * 96 / 4.5, abs=0.05)
    assert ceiling_from_output(output, 16) is None


def test_no_binary_means_no_ceiling(tmp_path, monkeypatch):
    monkeypatch.delenv(BINARY_ENV, raising=False)
    monkeypatch.setenv("WORK", str(tmp_path))
    assert bench_binary() is None
    monkeypatch.setenv(BINARY_ENV, str(tmp_path / "missing"))
    assert bench_binary() is None


def stand_in(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "llama-batched-bench"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_the_bench_runs_with_the_engines_settings(tmp_path, monkeypatch):
    args = tmp_path / "args"
    script = stand_in(tmp_path, f"echo \"$@\" > {args}\necho 'main: done'\necho '{json.dumps(ROW)}'\n")
    monkeypatch.setenv(BINARY_ENV, str(script))
    assert bench_binary() == script
    ceiling = measure_ceiling(
        script, tmp_path / "m.gguf", n=8, prompt_tokens=167, tokens=96, threads=2, flash_attn=False
    )
    assert ceiling is not None and ceiling.warm_tokens_per_s == pytest.approx(192.0)
    passed = args.read_text().split()
    assert passed[passed.index("-npl") + 1] == "8" and passed[passed.index("-npp") + 1] == "167"
    assert passed[passed.index("-ntg") + 1] == "96" and passed[passed.index("-t") + 1] == "2"
    assert passed[passed.index("-fa") + 1] == "off"  # as the engine decodes
    assert int(passed[passed.index("-c") + 1]) >= 8 * (167 + 96)  # room for every sequence
    assert "-kvu" not in passed
    measure_ceiling(
        script, tmp_path / "m.gguf", n=8, prompt_tokens=167, tokens=96, threads=2, flash_attn=False, unified=True
    )
    assert "-kvu" in args.read_text().split()  # one KV stream, as the engine has it by default


def test_a_failing_bench_gives_no_ceiling(tmp_path):
    script = stand_in(tmp_path, "echo 'error: unknown argument' >&2\nexit 1\n")
    assert (
        measure_ceiling(script, tmp_path / "m.gguf", n=4, prompt_tokens=10, tokens=8, threads=2, flash_attn=None)
        is None
    )


@pytest.mark.parametrize("amx", [True, False])
def test_the_bench_keeps_its_weights_where_the_engine_keeps_them(tmp_path, monkeypatch, amx):
    """On an AMX CPU the engine's weights stay out of llama.cpp's extra buffers: the bench's must too."""
    import cardwriter.evaluation.batched_ceiling as ceiling_module

    monkeypatch.setattr(ceiling_module, "avoid_extra_buffers", lambda: amx)
    args = tmp_path / "args"
    script = stand_in(tmp_path, f"echo \"$@\" > {args}\necho '{json.dumps(ROW)}'\n")
    measure_ceiling(script, tmp_path / "m.gguf", n=8, prompt_tokens=167, tokens=96, threads=2, flash_attn=False)
    assert ("--no-repack" in args.read_text().split()) is amx
