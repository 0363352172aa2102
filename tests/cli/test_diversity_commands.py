"""``cardwriter diversity``: with the fakes in-process, and once end to end with the real model."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

import cardwriter.cli as cli
from cardwriter.cli import diversity_commands
from cardwriter.domain.facts import invented
from cardwriter.domain.word_diff import changed_share
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.services.fill_chain import MIN_CLOSE_CHANGE
from cardwriter.services.keepability import everyday_word

from ..support import DEV_PARAGRAPHS

PARAGRAPHS = [
    {
        "id": "a",
        "text": "The old keeper climbed the winding stairs of the lighthouse every evening, counting the steps aloud.",
    },
    {
        "id": "b",
        "text": "Rain fell on the harbour all night, and by morning the fishing boats sat low and grey at their moorings.",
    },
    {
        "id": "c",
        "text": "She folded the letter twice, put it in her coat pocket, and walked out without a word to anyone.",
    },
]


@pytest.fixture
def paragraphs(tmp_path):
    path = tmp_path / "paragraphs.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PARAGRAPHS), encoding="utf-8")
    return path


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the command line in-process with the fake generator and embedder; returns (code, stdout, stderr)."""
    fake = FakeGenerator("fake-model")
    monkeypatch.setattr(diversity_commands, "open_generator", lambda model, threads: fake)
    monkeypatch.setattr(diversity_commands, "open_embedder", FakeEmbedder)
    if diversity_commands not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, diversity_commands])

    def invoke(*args):
        code = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    invoke.fake = fake
    return invoke


def test_prints_a_table_with_a_progress_bar(run, paragraphs):
    code, out, err = run("diversity", "--input", paragraphs, "-n", "3", "--limit", "2")
    assert code == 0, err
    for preset in ("ours", "llamacpp-default", "ollama-default", "neutral"):
        assert preset in out
    assert "usable distinct of 3" in out and "Vendi" in out and "tokens/s" in out
    assert "2 paragraphs, n = 3" in out
    assert "8/8" in err, "the progress bar counts paragraph x preset steps"


def test_json_markdown_plot_and_details(run, paragraphs, tmp_path):
    plot, details = tmp_path / "out" / "chart.png", tmp_path / "details.jsonl"
    code, out, err = run(
        "diversity",
        "--input",
        paragraphs,
        "-n",
        "2",
        "--presets",
        "ours,llamacpp-default",
        "--json",
        "--plot",
        plot,
        "--details",
        details,
        "--no-progress",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["presets"] == ["ours", "llamacpp-default"] and report["paragraphs"] == 3
    assert [s["preset"] for s in report["summary"]] == ["ours", "llamacpp-default"]
    assert plot.read_bytes().startswith(b"\x89PNG")
    saved = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert [(d["paragraph"], d["preset"]) for d in saved] == [
        (p, s) for p in "abc" for s in ("ours", "llamacpp-default")
    ]
    assert err.strip() == f"chart written to {plot}", "no progress bar when asked not to"

    code, out, _ = run(
        "diversity", "--input", paragraphs, "-n", "2", "--presets", "neutral", "--markdown", "--no-progress"
    )
    assert code == 0 and out.startswith("# Diversity report") and "| neutral |" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--presets", "ours,kobold"), "unknown preset 'kobold'"),
        (("--plot", "chart.svg"), "--plot writes a PNG"),
    ],
)
def test_bad_options_are_messages(run, paragraphs, args, message):
    code, out, err = run("diversity", "--input", paragraphs, *args)
    assert code == 1 and message in err and "Traceback" not in err and out == ""


def test_a_missing_input_file_is_a_message(run, tmp_path):
    code, _, err = run("diversity", "--input", tmp_path / "none.jsonl")
    assert code == 1 and "none.jsonl does not exist" in err


def test_json_and_markdown_exclude_each_other(run, paragraphs, monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with pytest.raises(SystemExit) as exc:
        run("diversity", "--input", paragraphs, "--json", "--markdown")
    assert exc.value.code == 2


@pytest.mark.slow
@pytest.mark.skipif(not DEV_PARAGRAPHS.exists(), reason="the shared dev paragraphs are not here")
def test_the_real_pipeline_end_to_end(tmp_path):
    """The packaged model and the real embedder on the shortest dev paragraph, n = 3, every preset."""
    rows = [json.loads(line) for line in DEV_PARAGRAPHS.read_text(encoding="utf-8").splitlines() if line.strip()]
    shortest = min(rows, key=lambda r: len(r["text"].split()))
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(shortest) + "\n", encoding="utf-8")
    plot = tmp_path / "chart.png"
    launch = "import sys, cardwriter.cli as c; raise SystemExit(c.main(sys.argv[1:]))"
    # One thread: with two, llama.cpp crawls when other work shares the CPU.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            launch,
            "diversity",
            "--input",
            str(source),
            "-n",
            "3",
            "--threads",
            "1",
            "--json",
            "--plot",
            str(plot),
        ],
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["model"] == "SmolLM2-135M-Instruct.Q4_1" and report["embedder"] == "all-MiniLM-L6-v2"
    assert [s["preset"] for s in report["summary"]] == ["ours", "llamacpp-default", "ollama-default", "neutral"]
    for detail in report["details"]:
        assert 0 < detail["shown"] <= 3 and detail["tokens"] > 0
        assert all(v.strip() for v in detail["variants"])
    ours = report["details"][0]
    # over-generated: generation stops once the pool (1.5x the 3 shown) passed the filters
    assert ours["preset"] == "ours" and ours["candidates"] >= 5
    # the pipeline shows only variants that keep the paragraph's facts and change enough of its words
    # (close rewrites: the old "usable" counts a light rewording as a copy of the source)
    for text in ours["variants"]:
        assert not invented(text, [shortest["text"]], everyday_word), text
        assert changed_share(shortest["text"], text) >= MIN_CLOSE_CHANGE, text
    assert plot.read_bytes().startswith(b"\x89PNG")
    assert b"4/4" in result.stderr, "progress bar"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-n", "1"), "argument -n: must be a whole number from 2 to 64, not 1"),
        (("-n", "65"), "argument -n: must be a whole number from 2 to 64, not 65"),
        (("--limit", "0"), "argument --limit: must be a whole number from 1 up, not 0"),
        (("--overgenerate", "0.5"), "argument --overgenerate: must be a number from 1 to 8, not '0.5'"),
        (("--overgenerate", "nan"), "argument --overgenerate: must be a number from 1 to 8, not 'nan'"),
        (("--mmr-lambda", "inf"), "argument --mmr-lambda: must be a number from 0 to 1, not 'inf'"),
        (("--mmr-lambda", "-0.1"), "argument --mmr-lambda: must be a number from 0 to 1, not '-0.1'"),
        (("--seed", "-1"), "argument --seed: must be a whole number from 0 to 2147483647, not -1"),
        (("--threads", "100000"), "argument --threads: must be a whole number from 1 to "),
    ],
)
def test_numbers_out_of_range_are_usage_errors(run, paragraphs, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        run("diversity", "--input", paragraphs, *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
