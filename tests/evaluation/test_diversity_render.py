"""The diversity report as a terminal table and as Markdown."""

from __future__ import annotations

import json

from cardwriter.embedding import metrics
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.evaluation.diversity_render import format_markdown, format_table
from cardwriter.evaluation.diversity_run import DEFAULT_PRESETS
from tests.evaluation.diversity_fakes import run


def test_table_markdown_and_json_carry_every_preset():
    report = run()
    table = format_table(report)
    markdown = format_markdown(report, "cardwriter diversity --input x.jsonl")
    for preset in DEFAULT_PRESETS:
        assert preset in table
        assert f"| {preset} |" in markdown
    assert "usable distinct of 4" in table and "tokens/s" in table
    assert "## Goals (ours)" in markdown and "cardwriter diversity --input x.jsonl" in markdown
    data = json.loads(json.dumps(report.as_dict()))  # JSON-ready: no NaN, no objects
    assert data["n"] == 4 and data["paragraphs"] == 2 and data["model"] == "fake-model"
    assert [s["preset"] for s in data["summary"]] == list(DEFAULT_PRESETS)
    keys = {
        "usable_distinct",
        "usable_share",
        "collapse_rate",
        "vendi",
        "spread",
        "spread_relative",
        "distinct_2",
        "overrepresentation",
        "tokens_per_s",
    }
    assert keys <= set(data["summary"][0])
    assert len(data["details"]) == 8 and all(isinstance(d["variants"], list) for d in data["details"])


def test_markdown_states_the_thresholds_the_metrics_use(monkeypatch):
    report = run(presets=("neutral",))
    markdown = format_markdown(report)
    assert "[0.5, 0.95)" in markdown and "cosine 0.90" in markdown and "> 0.8" in markdown
    assert "at least 1/3 of the source's length" in markdown
    # Change the constants and the words follow: they are never retyped.
    monkeypatch.setattr(metrics, "ON_TOPIC", (0.4, 0.97))
    monkeypatch.setattr(metrics, "CLUSTER_COSINE", 0.85)
    monkeypatch.setattr(metrics, "COLLAPSE_COSINE", 0.75)
    markdown = format_markdown(report)
    assert "[0.4, 0.97)" in markdown and "cosine 0.85" in markdown and "> 0.75" in markdown


def test_markdown_lists_what_the_pipeline_dropped_in_words():
    report = run(presets=("ours",))
    ours = report.summary("ours")
    ours.dropped = {DropReason.DUPLICATES_SIBLING: 5, DropReason.OFF_TOPIC: 2}
    markdown = format_markdown(report)
    assert "| near-duplicate of another candidate | 5 |" in markdown
    assert "| off topic | 2 |" in markdown
    assert "duplicates_sibling" not in markdown, "the enum's name is for JSON; people read its label"
