"""``cardwriter variants``, ``recombine``, ``models`` and ``bench generation``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

import cardwriter.cli as cli
from cardwriter.cli import generation_commands
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation import factory
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.prompts import REWRITE_MIX

PARAGRAPH = "The rain had stopped by the time we reached the station, and the platform was slick and shining."

# Runs the command line with this module's commands registered, whether or not
# cardwriter.cli lists them yet.
LAUNCH = (
    "import sys, cardwriter.cli as c\n"
    "from cardwriter.cli import generation_commands as g\n"
    "if g not in c.COMMAND_MODULES: c.COMMAND_MODULES.append(g)\n"
    "raise SystemExit(c.main(sys.argv[1:]))\n"
)


def cardwriter(*args, stdin=None, timeout=120):
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *map(str, args)], capture_output=True, input=stdin, timeout=timeout
    )


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the command line in-process with the fake generator; returns (code, stdout, stderr)."""
    fake = FakeGenerator("fake-model")
    monkeypatch.setattr(factory, "open_generator", lambda model=None, n_threads=None, gpu_layers="auto": fake)
    monkeypatch.setattr(generation_commands, "open_embedder", FakeEmbedder)
    if generation_commands not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, generation_commands])

    def invoke(*args, stdin=None):
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    invoke.fake = fake
    return invoke


def test_variants_json_has_the_promised_fields(run):
    code, out, _ = run("variants", "-n", "3", "--kind", "restyle", "--seed", "5", "--json", PARAGRAPH)
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 3
    request = run.fake.requests[0]
    assert request.n == 6, "the pipeline over-generates: twice the variants asked for"
    for row in rows:
        assert {"text", "kind", "angle", "preset", "seed", "model", "tokens", "seconds"} <= set(row)
        assert row["kind"] == "restyle" and row["model"] == "fake-model" and row["preset"] == "balanced"
        assert row["text"] and row["tokens"] > 0 and row["seconds"] >= 0
        assert 5 <= row["seed"] < 5 + 6 and row["angle"] in generation_commands.ANGLES
        assert row["text"].startswith(f"[{row['angle']}]"), "each row keeps the angle it was written with"
    assert len({r["text"] for r in rows}) == 3 and len({r["seed"] for r in rows}) == 3


def test_raw_prints_every_sequence_as_generated(run):
    code, out, _ = run("variants", "-n", "3", "--kind", "restyle", "--seed", "5", "--json", "--raw", PARAGRAPH)
    assert code == 0
    rows = json.loads(out)
    assert run.fake.requests[0].n == 3, "no over-generation"
    assert [r["seed"] for r in rows] == [5, 6, 7]
    assert [r["angle"] for r in rows] == ["plainer", "more concrete", "more vivid"]


def test_plain_rewrites_mix_intents_but_raw_ones_do_not(run):
    run("variants", "-n", "2", "--seed", "1", PARAGRAPH)
    assert run.fake.requests[-1].angles == REWRITE_MIX
    run("variants", "-n", "2", "--seed", "1", "--raw", PARAGRAPH)
    assert run.fake.requests[-1].angles == ()


def test_a_shortfall_is_reported_on_stderr(run, monkeypatch):
    from cardwriter.generation.protocol import SequenceDone

    class Same:
        model_name = "same"

        def stream(self, request, cancel=None):
            for i in range(request.n):
                yield SequenceDone(i, PARAGRAPH, 5, "stop", 0.0)  # a copy of the source, every time

    monkeypatch.setattr(factory, "open_generator", lambda model=None, n_threads=None, gpu_layers="auto": Same())
    code, out, err = run("variants", "-n", "3", "--seed", "1", PARAGRAPH)
    assert "found 0 different usable variants of the 3 asked for" in err and "--raw" in err
    assert code == 1, "nothing to show is a failure"


def test_variants_reads_stdin_and_passes_options_through(run):
    code, out, _ = run(
        "variants",
        "-n",
        "2",
        "--angle",
        "terser",
        "--preset",
        "bold",
        "--max-tokens",
        "30",
        "--seed",
        "1",
        "-",
        stdin=PARAGRAPH,
    )
    assert code == 0
    request = run.fake.requests[-1]
    assert request.source == PARAGRAPH and request.angles == ("terser",)
    assert request.kind.value == "restyle" and request.preset == "bold" and request.max_tokens == 30
    assert "(restyle, terser; seed " in out


def test_recombine_with_notes(run):
    code, out, _ = run(
        "recombine", "--note", "The sea forgets.", "--note", "Ships remember.", "-n", "1", "--seed", "3", "--json"
    )
    assert code == 0
    request = run.fake.requests[-1]
    assert request.notes == ("The sea forgets.", "Ships remember.") and request.source == ""
    assert json.loads(out)[0]["kind"] == "recombine"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("variants", "  "), "no paragraph given"),
        (("recombine", "--note", "only one"), "no paragraph given"),
        (("recombine", "--note", "  ", PARAGRAPH), "recombine needs at least one note (--note TEXT)"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(run, args, message):
    code, out, err = run(*args, stdin="")  # nothing piped in either
    assert code == 1
    assert message in err and "Traceback" not in err and out == ""


def test_without_llama_cpp_the_command_line_names_its_own_flag_for_a_server(run, monkeypatch):
    from cardwriter.generation.llama.backend import import_llama_cpp

    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` fail
    monkeypatch.setattr(factory, "open_generator", lambda *args, **kwargs: import_llama_cpp())
    code, _, err = run("variants", PARAGRAPH)
    assert code == 1 and "pip install llama-cpp-python" in err and "point --model at a server URL" in err


@pytest.mark.slow
def test_variants_with_the_real_packaged_model():
    result = cardwriter(
        "variants", "-n", "3", "--seed", "2", "--max-tokens", "32", "--json", "--threads", "2", PARAGRAPH
    )
    assert result.returncode == 0, result.stderr.decode()
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert all(r["text"].strip() for r in rows)
    assert len({r["text"] for r in rows}) == 3
    assert {r["model"] for r in rows} == {"SmolLM2-135M-Instruct.Q4_1"}


@pytest.mark.slow
def test_missing_model_and_broken_model_are_clear_errors(tmp_path):
    missing = cardwriter("variants", "--model", tmp_path / "none.gguf", PARAGRAPH)
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model at all" * 10)
    bad = cardwriter("variants", "--model", broken, PARAGRAPH)
    dead = cardwriter("variants", "--model", "http://127.0.0.1:9", PARAGRAPH)
    for result, phrase in (
        (missing, "none.gguf"),
        (bad, "is not a GGUF model file"),
        (dead, "cannot reach the generation server"),
    ):
        stderr = result.stderr.decode()
        assert result.returncode == 1, stderr
        assert phrase in stderr and "Traceback" not in stderr


@pytest.mark.slow
def test_bench_generation_reports_both_ways():
    result = cardwriter("bench", "generation", "-n", "2", "--tokens", "16", "--json", timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["n"] == 2 and report["plain_tokens"] == report["batched_tokens"] == 32
    assert report["speedup"] > 0 and report["peak_rss_mb"] > 0
    # equal token counts: the tokens/s ratio is the ratio of wall times
    assert report["speedup"] == pytest.approx(report["plain_seconds"] / report["batched_seconds"], rel=0.02)


CORES = os.cpu_count() or 1
THREADS = f"must be a whole number from 1 to {CORES} (the CPU cores of this computer)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("variants", "-n", "0", PARAGRAPH), "argument -n: must be a whole number from 1 to 64, not 0"),
        (("recombine", "--note", "a", "-n", "65", PARAGRAPH), "argument -n: must be a whole number from 1 to 64"),
        (("variants", "--max-tokens", "0", PARAGRAPH), "argument --max-tokens: must be a whole number from 1 to 32768"),
        (("variants", "--max-tokens", "10000000", PARAGRAPH), "argument --max-tokens: must be a whole number from 1"),
        (("variants", "--threads", "100000", PARAGRAPH), f"argument --threads: {THREADS}, not 100000"),
        (("variants", "--threads", "4000", PARAGRAPH), f"argument --threads: {THREADS}, not 4000"),
        (("variants", "--threads", str(CORES + 1), PARAGRAPH), f"argument --threads: {THREADS}, not {CORES + 1}"),
        (("recombine", "--note", "a", "--threads", "0", PARAGRAPH), f"argument --threads: {THREADS}, not 0"),
        (("variants", "--threads", "two", PARAGRAPH), f"argument --threads: {THREADS}, not 'two'"),
        (("variants", "--seed", "-1", PARAGRAPH), "argument --seed: must be a whole number from 0 to 2147483647"),
        (("variants", "--seed", str(2**32), PARAGRAPH), "argument --seed: must be a whole number from 0 to 2147483647"),
        (("bench", "generation", "--threads", "100000"), f"argument --threads: {THREADS}, not 100000"),
        (("bench", "generation", "--tokens", "0"), "argument --tokens: must be a whole number from 1 to 32768"),
        (("bench", "generation", "-n", "1000"), "argument -n: must be a whole number from 1 to 64"),
        (("bench", "stack", "--input", "p.jsonl", "--threads", "4000"), f"argument --threads: {THREADS}, not 4000"),
        (("bench", "stack", "--input", "p.jsonl", "-n", "33"), "argument -n: must be a whole number from 1 to 32"),
        (("bench", "stack", "--input", "p.jsonl", "--limit", "-2"), "argument --limit: must be a whole number"),
    ],
)
def test_numbers_out_of_range_are_usage_errors(run, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        run(*args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_real_command_line_refuses_more_threads_than_cores():
    """100000 threads segfaulted llama.cpp, 4000 hung it: now a usage error before any model loads."""
    for threads in ("100000", "4000"):
        result = cardwriter("variants", "--threads", threads, "-n", "1", "--max-tokens", "4", "--raw", PARAGRAPH)
        stderr = result.stderr.decode()
        assert result.returncode == 2, stderr
        assert f"cardwriter variants: error: argument --threads: {THREADS}, not {threads}" in stderr
        assert "Traceback" not in stderr
