"""The early-stop judgement: a pure function of the text so far."""

from __future__ import annotations

import pytest

from cardwriter.services.early_stop import early_stop_reason, opening

SOURCE = "The ferry left at six, whatever the weather, and Ana was always the last to board."


@pytest.mark.parametrize(
    "text",
    [
        "Sure, here it is",
        "Here is the rewritten",
        "Rewrite: The ferry",
        "Original: The",
        "Certainly! The",
        "\"Here's a",
    ],
)
def test_preambles_and_labels_stop(text):
    assert "preamble" in early_stop_reason(text, source=SOURCE)


@pytest.mark.parametrize(
    "text", ["Surely the ferry", "Here", "Heres", "The ferry left at six", "Original thinking was rare"]
)
def test_ordinary_openings_go_on(text):
    assert early_stop_reason(text, source=SOURCE) is None


def test_an_opening_a_sibling_took_stops_only_once_it_is_complete():
    taken = [opening("The ferry always left at dawn")]
    assert early_stop_reason("The ferry always left", source=SOURCE, taken_openings=taken) is None
    assert "sibling" in early_stop_reason("The ferry always left early", source=SOURCE, taken_openings=taken)
    assert early_stop_reason("A ferry always left early", source=SOURCE, taken_openings=taken) is None


def test_a_loop_stops():
    assert "looping" in early_stop_reason("and the sea was grey " * 4, source=SOURCE)
    assert early_stop_reason("and the sea was grey " * 3, source=SOURCE) is None


def test_another_script_stops_unless_the_source_is_in_it():
    assert "script" in early_stop_reason("Паром уходил в шесть часов", source=SOURCE)
    assert early_stop_reason("Паром уходил в шесть часов", source="Паром уходил в шесть") is None


def test_a_source_that_itself_opens_with_the_label_is_not_held_against_it():
    assert early_stop_reason("Here is the ferry", source="Here is the ferry, late again.") is None


@pytest.mark.parametrize(
    "text",
    [
        "In the paragraph, Ana's habit of boarding",
        "The following rewritten paragraph conveys the",
        "1. This paragraph starts with a sentence",
        "Preamble:\nI cannot",
        "The scene:\n\nA ferry",
    ],
)
def test_talk_about_the_task_stops_at_once(text):
    assert early_stop_reason(text, source=SOURCE) is not None


def test_a_word_that_may_still_grow_is_not_judged_yet():
    assert early_stop_reason("Sure", source=SOURCE) is None  # could become "Surely"
    assert early_stop_reason("Preamble:", source=SOURCE) is None  # a label only if the line ends there
    assert early_stop_reason("Preamble: the ferry", source=SOURCE) is None


def _stored_candidates() -> list[tuple[str, str]]:
    """(source, candidate) pairs the real model wrote, kept with the benchmarks."""
    import json
    from pathlib import Path

    from tests.support import DEV_PARAGRAPHS

    sources = {}
    with open(DEV_PARAGRAPHS, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            sources[row["id"]] = row["text"]
    root = Path(__file__).resolve().parents[2] / "benchmarks"
    pairs = []
    for name in ("written_log_prob_candidates.jsonl", "calibration_rewrites.jsonl"):
        with open(root / name, encoding="utf-8") as f:
            pairs += [(sources[row["id"]], row["text"]) for row in map(json.loads, f)]
    return pairs


def test_a_candidate_stopped_for_its_words_would_have_been_dropped_at_the_end():
    from cardwriter.embedding.dedup import degenerate_reason
    from cardwriter.services.fusion_filters import fluency_reason

    stopped = 0
    for source, text in _stored_candidates():
        for end in range(1, len(text) + 1):  # every prefix, cut anywhere, as tokens arrive
            if early_stop_reason(text[:end], source=source) is not None:
                stopped += 1
                whole = text.strip()
                assert degenerate_reason(whole, source) or fluency_reason(whole, [source]), (text[:end], text)
                break
    assert stopped >= 10  # the model does write such text: the check is not idle
