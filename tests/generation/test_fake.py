"""The fake generator behaves like a generator: deterministic, streaming, cancellable."""

from __future__ import annotations

import threading

import pytest

from cardwriter.domain.model import VariantKind, VariantState
from cardwriter.errors import UserError
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.protocol import FINISH_CANCELLED, FINISH_LENGTH, GenerationRequest, TextGenerator, TextPiece
from cardwriter.generation.results import collect

SOURCE = "one two three four five six seven eight"


def test_fake_is_a_text_generator_and_deterministic():
    fake = FakeGenerator()
    assert isinstance(fake, TextGenerator)
    request = GenerationRequest(SOURCE, kind=VariantKind.RESTYLE, n=3, seed=5)
    first, again = collect(fake, request), collect(fake, request)
    assert [r.text for r in first] == [r.text for r in again]
    assert first[0].text.startswith("[plainer] ")
    assert sorted(first[1].text.split("] ", 1)[1].split()) == sorted(SOURCE.split())


def test_budget_and_cancel():
    fake = FakeGenerator()
    assert {r.finish_reason for r in collect(fake, GenerationRequest(SOURCE, n=2, max_tokens=3))} == {FINISH_LENGTH}
    cancel = threading.Event()
    events = []
    for e in fake.stream(GenerationRequest(SOURCE, n=2), cancel):
        events.append(e)
        if isinstance(e, TextPiece) and e.index == 1:
            cancel.set()
    done = [e for e in events if not isinstance(e, TextPiece)]
    assert [(d.index, d.finish_reason) for d in done] == [(0, FINISH_CANCELLED), (1, FINISH_CANCELLED)]


def test_results_become_variants_with_provenance():
    results = collect(
        FakeGenerator("m"),
        GenerationRequest(SOURCE, kind=VariantKind.RECOMBINE, notes=("n",), n=1, seed=3),
        note_ids=("note-1",),
    )
    variant = results[0].to_variant(parent_id="p")
    assert variant.state is VariantState.IN_STACK
    p = variant.provenance
    assert (p.kind, p.model, p.preset, p.seed, p.parent_id, p.note_ids) == (
        VariantKind.RECOMBINE,
        "m",
        "balanced",
        3,
        "p",
        ("note-1",),
    )


def test_failure_is_raised_as_a_user_error():
    with pytest.raises(UserError, match="boom"):
        collect(FakeGenerator(fail_with="boom"), GenerationRequest(SOURCE))
