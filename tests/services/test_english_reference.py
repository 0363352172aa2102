"""The everyday-English word list: read from the installed spelling dictionary, no network."""

from __future__ import annotations

import pytest

from cardwriter.services import english_reference as reference_module
from cardwriter.services.english_reference import english_reference


def test_the_reference_is_a_frequency_list_of_everyday_english():
    reference = english_reference()
    assert len(reference) > 100_000
    assert sum(reference.values()) == pytest.approx(1.0)
    assert max(reference, key=reference.__getitem__) == "the"
    assert reference["the"] > reference["which"] > reference["whilst"] > 0
    assert "don't" in reference
    assert english_reference() is reference  # read once per run


def test_warming_up_reads_the_list_once_on_a_thread_of_its_own():
    thread = reference_module.warm_up()
    assert thread.name == "cardwriter-english-words"
    thread.join(30)
    assert not thread.is_alive()
    assert english_reference() is english_reference(), "read once, then kept"
