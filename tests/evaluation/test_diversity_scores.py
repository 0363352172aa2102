"""Scoring and summarising the diversity report."""

from __future__ import annotations

import json
import math

import pytest

from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.evaluation.diversity_scores import GOALS, ParagraphResult, summarise
from tests.evaluation.diversity_fakes import PerPresetGenerator, run


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


def test_summary_averages_over_paragraphs_and_adds_up_drop_reasons():
    rows = [
        ParagraphResult(
            "p1",
            "x",
            ["a b c", "d e f"],
            2,
            10,
            2.0,
            3.0,
            2,
            2,
            0.2,
            1.8,
            1.0,
            0.1,
            False,
            dropped={DropReason.LOOPING: 2},
        ),
        ParagraphResult(
            "p2",
            "x",
            ["a b c"],
            2,
            30,
            2.0,
            5.0,
            0,
            0,
            math.nan,
            1.0,
            0.5,
            -0.1,
            False,
            dropped={DropReason.LOOPING: 1, DropReason.OFF_TOPIC: 3},
        ),
    ]
    (s,) = summarise(rows, ["x"], n=2)
    assert s.usable_distinct == 1.0
    assert s.usable_share == pytest.approx(2 / 3)
    assert s.collapse_rate == 0.0, "a paragraph with one variant cannot collapse and is left out"
    assert s.spread == pytest.approx(0.8), "nan means are skipped"
    assert s.tokens_per_s == pytest.approx(10.0)
    assert s.seconds_per_paragraph == pytest.approx(4.0)
    assert s.shown == 1.5
    assert math.isnan(s.spread_relative), "no reference preset, no relative spread"
    assert s.dropped == {DropReason.OFF_TOPIC: 3, DropReason.LOOPING: 3}


def test_json_names_drop_reasons_by_their_enum_value():
    row = ParagraphResult(
        "p1",
        "x",
        ["a"],
        2,
        1,
        1.0,
        1.0,
        1,
        1,
        math.nan,
        1.0,
        1.0,
        0.0,
        False,
        dropped={DropReason.DUPLICATES_SIBLING: 2},
    )
    data = json.loads(json.dumps(row.as_dict()))
    assert data["dropped"] == {"duplicates_sibling": 2}
    assert data["mean_cosine"] is None and data["shown"] == 1


def test_goal_checks_scale_usable_distinct_with_n():
    report = run(presets=("ours",))
    checks = {name: (goal, met) for name, _, goal, _, met in report.goal_checks()}
    assert checks["usable_distinct"][0] == pytest.approx(7.5 * 4 / 8)
    assert set(checks) == set(GOALS)
