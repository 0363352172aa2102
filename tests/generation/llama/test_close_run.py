"""Close rewrites with the real default model: the paragraph copied, reworded at a few places, its facts kept.

Three model runs in all: one request read by most tests, the same request again, and one cancelled.
"""

from __future__ import annotations

import threading

import pytest

from cardwriter.domain import facts
from cardwriter.domain.word_diff import changed_share
from cardwriter.generation.protocol import FINISH_CANCELLED, GenerationRequest, SequenceDone, TextPiece
from cardwriter.services.keepability import everyday_word

pytestmark = pytest.mark.slow

PARAGRAPH = (
    '"You will have the oil by Monday," Margaret told the keeper, and for eleven years she rowed the two miles '
    "to St Ives to fetch it. The lamp at Godrevy burned through the winter of 1891 without failing once, "
    "and the keeper's daughter knew each of its 74 steps by the sound they made under her boots."
)
REQUEST = GenerationRequest(source=PARAGRAPH, n=4, seed=42, preset="faithful", close=True)


def finished(events) -> dict[int, SequenceDone]:
    return {e.index: e for e in events if isinstance(e, SequenceDone)}


@pytest.fixture(scope="module")
def done(engine) -> dict[int, SequenceDone]:
    return finished(engine.stream(REQUEST))


def test_every_sequence_finishes_with_text(done):
    assert sorted(done) == [0, 1, 2, 3]
    assert all(d.text.strip() and d.finish_reason != FINISH_CANCELLED for d in done.values()), done


def test_every_close_rewrite_keeps_every_name_and_number_and_invents_none(done):
    names = set(facts.find_names(PARAGRAPH, everyday_word))
    numbers = facts.find_numbers(PARAGRAPH)
    assert {"margaret", "monday", "ives", "godrevy"} <= names and numbers == {"11", "2", "1891", "74"}
    for d in done.values():
        assert names <= set(facts.find_names(d.text, everyday_word)), d.text
        assert facts.find_numbers(d.text) == numbers, d.text
        assert not facts.invented(d.text, [PARAGRAPH], everyday_word), d.text


def test_close_rewrites_reword_the_paragraph_and_differ_from_each_other(done):
    texts = [d.text for d in done.values()]
    assert all(changed_share(PARAGRAPH, t) > 0 for t in texts), texts
    assert len(set(texts)) >= 3, texts


def test_a_quotation_keeps_its_quotation_marks(done):
    for d in done.values():
        assert d.text.count('"') == PARAGRAPH.count('"') == 2, d.text
        assert d.text.startswith('"You'), d.text


def test_cancel_ends_the_open_sequences_as_cancelled(engine):
    cancel = threading.Event()
    events = []
    for event in engine.stream(REQUEST, cancel):
        events.append(event)
        if isinstance(event, TextPiece):
            cancel.set()
    ended = finished(events)
    assert sorted(ended) == [0, 1, 2, 3]
    assert {d.finish_reason for d in ended.values()} == {FINISH_CANCELLED}
    assert all(len(d.text) < len(PARAGRAPH) for d in ended.values()), ended
    first_done = next(i for i, e in enumerate(events) if isinstance(e, SequenceDone))
    assert not any(isinstance(e, TextPiece) for e in events[first_done:]), "text after the sequences ended"


def test_the_same_seed_gives_the_same_close_rewrites(engine, done):
    again = finished(engine.stream(REQUEST))
    assert {i: d.text for i, d in again.items()} == {i: d.text for i, d in done.items()}
