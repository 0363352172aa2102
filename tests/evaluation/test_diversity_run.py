"""Running the diversity report around the fake generator and the fake embedder."""

from __future__ import annotations

import threading

import pytest

from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.errors import UserError
from cardwriter.evaluation.diversity_run import DEFAULT_PRESETS, ReportConfig, check_presets
from cardwriter.evaluation.diversity_scores import REFERENCE
from tests.evaluation.diversity_fakes import PARAGRAPHS, PerPresetGenerator, run


def test_every_paragraph_gets_n_variants_per_preset_with_one_progress_step_each():
    steps, saved = [], []
    report = run(progress=steps.append, on_result=saved.append)
    assert len(steps) == len(PARAGRAPHS) * 4 == len(report.results) == len(saved)
    assert [s.preset for s in report.summaries] == list(DEFAULT_PRESETS)
    for r in report.results:
        assert r.preset == "ours" or r.shown == 4, "baselines show every sequence, unfiltered"
        assert 0 <= r.usable_distinct <= r.usable <= r.shown <= 4
        assert r.tokens > 0 and r.seconds > 0 and r.total_seconds >= r.seconds
    ours = report.summary("ours")
    assert ours.candidates >= 8, "ours over-generates (twice what is wanted)"
    reference = report.summary(REFERENCE)
    assert reference.spread_relative == pytest.approx(1.0)


def test_what_ours_dropped_is_counted_by_reason_and_adds_up():
    report = run(presets=("ours",))
    for r in report.results:
        assert all(isinstance(reason, DropReason) for reason in r.dropped)
        assert sum(r.dropped.values()) == r.candidates - r.shown, "every candidate is shown or dropped for a reason"
    summary = report.summary("ours")
    assert sum(summary.dropped.values()) == sum(sum(r.dropped.values()) for r in report.results)


def test_baselines_are_plain_rewrites_with_their_own_sampler_and_no_opening_bans():
    generator = PerPresetGenerator("x")
    run(presets=("llamacpp-default", "neutral"), generator=generator)
    assert [r.preset for r in generator.requests] == ["llamacpp-default", "neutral"] * 2
    assert all(r.kind.value == "rewrite" and not r.distinct_openings and r.n == 4 for r in generator.requests)
    assert len({r.seed for r in generator.requests}) == 2, "one seed per paragraph, shared by the presets"


def test_cancel_stops_early_with_partial_results():
    cancel = threading.Event()
    report = run(progress=lambda label: cancel.set(), cancel=cancel)
    assert report.cancelled and len(report.results) == 1


def test_unknown_presets_and_tiny_n_are_user_errors():
    with pytest.raises(UserError, match="unknown preset 'koboldcpp'"):
        check_presets(["ours", "koboldcpp"])
    with pytest.raises(UserError, match="no presets"):
        check_presets([" ", ""])
    assert check_presets(["ours", "balanced", "ours"]) == ("ours", "balanced")
    with pytest.raises(UserError, match="at least 2"):
        ReportConfig(n=1)
