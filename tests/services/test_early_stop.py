"""The early-stop judgement: a pure function of the text so far."""

from __future__ import annotations

import pytest

from cardwriter.domain.facts import invented
from cardwriter.domain.model import VariantKind
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.services.early_stop import FactGuard, early_stop_reason, opening

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


def _first_stop(guard: FactGuard, text: str, index: int = 0) -> str | None:
    """Feed ``text`` to ``guard`` a character at a time, as tokens arrive; the text so far when it stops."""
    for end in range(1, len(text) + 1):
        if guard.reason(index, text[:end]) is not None:
            return text[:end]
    return None


def test_a_name_or_number_not_given_stops_once_its_word_is_complete():
    guard = FactGuard([SOURCE], kind=VariantKind.REWRITE)
    assert _first_stop(guard, "Ana boarded last, as ever, with Maria beside her on the deck.", 0) == (
        "Ana boarded last, as ever, with Maria "
    )
    # a number once the next word shows it whole ("seven" may be the start of "seven hundred")
    assert _first_stop(guard, "The ferry left at seven every morning, and Ana was the last to board.", 1) == (
        "The ferry left at seven every "
    )
    assert "invents" in guard.reason(2, "Ana took the 7:15 ferry ")
    # the names and numbers it was given, and everyday words that start a sentence, go on
    assert (
        _first_stop(guard, "Whatever the weather, the ferry left at six. Then Ana, always last, boarded it.", 3) is None
    )
    # a neighbour or a note is given too
    noted = FactGuard([SOURCE, "Maria ran the ticket office."], kind=VariantKind.REWRITE)
    assert _first_stop(noted, "Ana boarded last, as ever, with Maria beside her on the deck.") is None


def test_a_number_is_judged_whole():
    source = "The ferry carried two thousand passengers a day, two hundred and fifty of them children."
    guard = FactGuard([source], kind=VariantKind.REWRITE)
    assert _first_stop(guard, "Two thousand passengers a day crossed on the ferry.", 0) is None
    assert _first_stop(guard, "Of the ferry's passengers, two hundred and fifty were children.", 1) is None
    assert _first_stop(guard, "The ferry carried three thousand passengers a day.", 2) == (
        "The ferry carried three thousand passengers "
    )
    assert _first_stop(guard, "The ferry carried two hundred passengers a day.", 3) == (
        "The ferry carried two hundred passengers "
    )


def test_a_continuation_may_move_the_clock_on_but_not_bring_in_names():
    guard = FactGuard([SOURCE], kind=VariantKind.CONTINUE)
    assert _first_stop(guard, "At seven the ferry was far out, and Ana watched the lights.", 0) is None
    assert _first_stop(guard, "At seven the ferry was far out, and Ana watched Lisbon fade.", 1) == (
        "At seven the ferry was far out, and Ana watched Lisbon "
    )


def test_the_fact_guard_can_be_switched_off():
    guard = FactGuard([SOURCE], kind=VariantKind.REWRITE, enabled=False)
    assert _first_stop(guard, "Ana boarded last, as ever, with Maria beside her on the deck.") is None


def test_a_candidate_stopped_for_a_fact_would_have_been_dropped_at_the_end():
    """The guard stops only what the keepability stage's facts check drops once the candidate is written."""
    from cardwriter.services.keepability import KeepabilityJudge, everyday_word

    stopped = 0
    for number, (source, text) in enumerate(_stored_candidates()):
        guard = FactGuard([source], kind=VariantKind.REWRITE)
        if _first_stop(guard, text, number) is not None:
            stopped += 1
            assert invented(text.strip(), [source], everyday_word), text
    assert stopped >= 10  # the model does invent names and numbers: the guard is not idle
    judge = KeepabilityJudge(FakeEmbedder(), source=SOURCE, kind=VariantKind.REWRITE)
    assert judge.judge("Ana boarded last, as ever, with Maria beside her on the deck.").reason.value == "invents_facts"
