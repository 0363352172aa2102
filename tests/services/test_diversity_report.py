"""The diversity report's logic, around the fake generator and the fake embedder.

The fakes know nothing of meaning, so these tests pin down bookkeeping (what is
run, counted, averaged, printed and drawn), never quality; the real pipeline runs
end to end in tests/cli/test_diversity_commands.py (slow).
"""

from __future__ import annotations

import json
import math

import pytest

from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.errors import UserError
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.protocol import SequenceDone, TextPiece
from cardwriter.services import diversity_report as dr

PARAGRAPHS = [
    dr.Paragraph("a", "The old keeper climbed the winding stairs of the lighthouse every evening, counting the steps aloud."),
    dr.Paragraph("b", "Rain fell on the harbour all night, and by morning the fishing boats sat low and grey at their moorings."),
]


class PerPresetGenerator:
    """Baselines repeat one sentence (a collapse); everything else goes to the fake generator."""

    model_name = "per-preset"

    def __init__(self, same: str):
        self.same = same
        self.fake = FakeGenerator("per-preset")
        self.requests = []

    def stream(self, request, cancel=None):
        self.requests.append(request)
        if request.preset == "ollama-default":
            for i in range(request.n):
                yield TextPiece(i, self.same)
                yield SequenceDone(i, self.same, 7, "stop", 0.01)
            return
        yield from self.fake.stream(request, cancel)


def run(presets=dr.DEFAULT_PRESETS, n=4, generator=None, **kwargs):
    return dr.run_report(
        generator or FakeGenerator("fake-model"), FakeEmbedder(), PARAGRAPHS, dr.ReportConfig(n=n, presets=presets), **kwargs
    )


def test_every_paragraph_gets_n_variants_per_preset_with_one_progress_step_each():
    steps, saved = [], []
    report = run(progress=steps.append, on_result=saved.append)
    assert len(steps) == len(PARAGRAPHS) * 4 == len(report.results) == len(saved)
    assert [s.preset for s in report.summaries] == list(dr.DEFAULT_PRESETS)
    for r in report.results:
        assert r.preset == "ours" or r.shown == 4, "baselines show every sequence, unfiltered"
        assert 0 <= r.usable_distinct <= r.usable <= r.shown <= 4
        assert r.tokens > 0 and r.seconds > 0 and r.total_seconds >= r.seconds
    ours = report.summary("ours")
    assert ours.candidates >= 8, "ours over-generates (twice what is wanted)"
    reference = report.summary(dr.REFERENCE)
    assert reference.spread_relative == pytest.approx(1.0)


def test_baselines_are_plain_rewrites_with_their_own_sampler_and_no_opening_bans():
    generator = PerPresetGenerator("x")
    run(presets=("llamacpp-default", "neutral"), generator=generator)
    assert [r.preset for r in generator.requests] == ["llamacpp-default", "neutral"] * 2
    assert all(r.kind.value == "rewrite" and not r.distinct_openings and r.n == 4 for r in generator.requests)
    assert len({r.seed for r in generator.requests}) == 2, "one seed per paragraph, shared by the presets"


def test_identical_variants_score_as_a_collapse():
    same = "The keeper climbed the winding stairs of the lighthouse every evening, counting each step aloud."
    report = run(presets=("ollama-default", "llamacpp-default"), generator=PerPresetGenerator(same))
    collapsed = report.summary("ollama-default")
    assert collapsed.collapse_rate == 1.0
    assert collapsed.vendi == pytest.approx(1.0, abs=1e-6)
    assert collapsed.spread == pytest.approx(0.0, abs=1e-6)
    assert collapsed.usable_distinct <= 1.0, "copies of one text cluster into one"
    assert collapsed.distinct_2 < 0.3
    assert report.summary("llamacpp-default").collapse_rate < 1.0


def test_summary_averages_over_paragraphs():
    rows = [
        dr.ParagraphResult("p1", "x", ["a b c", "d e f"], 2, 10, 2.0, 3.0, 2, 2, 0.2, 1.8, 1.0, 0.1, False),
        dr.ParagraphResult("p2", "x", ["a b c"], 2, 30, 2.0, 5.0, 0, 0, math.nan, 1.0, 0.5, -0.1, False),
    ]
    (s,) = dr.summarise(rows, ["x"], n=2)
    assert s.usable_distinct == 1.0
    assert s.usable_share == pytest.approx(2 / 3)
    assert s.collapse_rate == 0.0, "a paragraph with one variant cannot collapse and is left out"
    assert s.spread == pytest.approx(0.8), "nan means are skipped"
    assert s.tokens_per_s == pytest.approx(10.0)
    assert s.seconds_per_paragraph == pytest.approx(4.0)
    assert s.shown == 1.5
    assert math.isnan(s.spread_relative), "no reference preset, no relative spread"


def test_table_markdown_and_json_carry_every_preset():
    report = run()
    table = dr.format_table(report)
    markdown = dr.format_markdown(report, "cardwriter diversity --input x.jsonl")
    for preset in dr.DEFAULT_PRESETS:
        assert preset in table
        assert f"| {preset} |" in markdown
    assert "usable distinct of 4" in table and "tokens/s" in table
    assert "## Goals (ours)" in markdown and "cardwriter diversity --input x.jsonl" in markdown
    data = json.loads(json.dumps(report.as_dict()))  # JSON-ready: no NaN, no objects
    assert data["n"] == 4 and data["paragraphs"] == 2 and data["model"] == "fake-model"
    assert [s["preset"] for s in data["summary"]] == list(dr.DEFAULT_PRESETS)
    keys = {"usable_distinct", "usable_share", "collapse_rate", "vendi", "spread", "spread_relative",
            "distinct_2", "overrepresentation", "tokens_per_s"}
    assert keys <= set(data["summary"][0])
    assert len(data["details"]) == 8 and all(isinstance(d["variants"], list) for d in data["details"])


def test_goal_checks_scale_usable_distinct_with_n():
    report = run(presets=("ours",))
    checks = {name: (goal, met) for name, _, goal, _, met in report.goal_checks()}
    assert checks["usable_distinct"][0] == pytest.approx(7.5 * 4 / 8)
    assert set(checks) == set(dr.GOALS)


def test_plot_writes_a_png(tmp_path):
    path = dr.plot(run(), tmp_path / "charts" / "diversity.png")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    with pytest.raises(UserError, match="PNG"):
        dr.plot(run(presets=("neutral",)), tmp_path / "diversity.svg")


def test_cancel_stops_early_with_partial_results():
    import threading

    cancel = threading.Event()
    report = run(progress=lambda label: cancel.set(), cancel=cancel)
    assert report.cancelled and len(report.results) == 1


def test_loading_paragraphs(tmp_path):
    good = tmp_path / "p.jsonl"
    good.write_text('{"id": "x1", "text": "One."}\n\n"Two."\n{"text": "Three."}\n', encoding="utf-8")
    assert dr.load_paragraphs(good) == [dr.Paragraph("x1", "One."), dr.Paragraph("3", "Two."), dr.Paragraph("4", "Three.")]
    assert len(dr.load_paragraphs(good, limit=2)) == 2
    bad = tmp_path / "bad.jsonl"
    for content, message in (("not json\n", "line 1: not JSON"), ('{"txt": "x"}\n', "non-empty \"text\""), ("\n", "no paragraphs")):
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(UserError, match=message):
            dr.load_paragraphs(bad)
    with pytest.raises(UserError, match="does not exist"):
        dr.load_paragraphs(tmp_path / "missing.jsonl")


def test_unknown_presets_and_tiny_n_are_user_errors():
    with pytest.raises(UserError, match="unknown preset 'koboldcpp'"):
        dr.check_presets(["ours", "koboldcpp"])
    with pytest.raises(UserError, match="no presets"):
        dr.check_presets([" ", ""])
    assert dr.check_presets(["ours", "balanced", "ours"]) == ("ours", "balanced")
    with pytest.raises(UserError, match="at least 2"):
        dr.ReportConfig(n=1)
