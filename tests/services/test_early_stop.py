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
