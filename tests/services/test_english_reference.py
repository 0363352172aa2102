"""The everyday-English word list: read from the installed spelling dictionary, no network."""

from __future__ import annotations

import pytest

from cardwriter.services.english_reference import english_reference


def test_the_reference_is_a_frequency_list_of_everyday_english():
    reference = english_reference()
    assert len(reference) > 100_000
    assert sum(reference.values()) == pytest.approx(1.0)
    assert max(reference, key=reference.__getitem__) == "the"
    assert reference["the"] > reference["which"] > reference["whilst"] > 0
    assert "don't" in reference
    assert english_reference() is reference  # read once per run
