"""Prompts that share an instruction decode it once: a sequence starts from a copy and decodes one token."""

from __future__ import annotations

import dataclasses

import pytest

from cardwriter.generation import prompts
from cardwriter.generation.llama.context import DecodingContext
from cardwriter.generation.protocol import GenerationRequest, SequenceDone

from ..conftest import SOURCE

pytestmark = pytest.mark.slow


@pytest.fixture
def fills(monkeypatch) -> list[list[tuple[int, int, int, bool]]]:
    """Every batch put into a llama_batch from now on, in order: (token, position, sequence, logits)."""
    batches: list[list[tuple[int, int, int, bool]]] = []
    original = DecodingContext.fill

    def spy(self, entries):
        batches.append(list(entries))
        original(self, entries)

    monkeypatch.setattr(DecodingContext, "fill", spy)
    return batches


def test_sequences_that_share_an_instruction_decode_only_its_last_token(engine, fills):
    # four angles, eight prompts: each instruction is shared by two, one running, one a refill
    request = GenerationRequest(source=SOURCE, n=4, refills=4, seed=5, max_tokens=6, angles=prompts.REWRITE_MIX)
    engine.clear_cache()
    done = [e for e in engine.stream(request) if isinstance(e, SequenceDone)]
    assert len(done) == 8 and all(d.text.strip() for d in done)

    plans = prompts.plan(dataclasses.replace(request, n=request.total))
    lengths = {len(engine.tokenize(engine.render(p))) for p in plans}
    entries = [e for batch in fills for e in batch]
    working = [e for e in entries if e[2] < request.n]
    # in the working slots every prompt token but the last came from a copy, never from a decode
    assert not [e for e in working if e[1] < min(lengths) - 1]
    homes = {e[2] for e in entries if request.n <= e[2] < engine.context.home}
    assert len(homes) == len(prompts.REWRITE_MIX)  # one home per instruction, each decoded once
    per_home = [sorted(e[1] for e in entries if e[2] == h) for h in homes]
    assert all(positions == sorted(set(positions)) for positions in per_home)


def test_a_shared_instruction_writes_what_a_cold_run_writes(engine):
    request = GenerationRequest(source=SOURCE, n=4, refills=4, seed=9, max_tokens=12, angles=prompts.REWRITE_MIX)

    def texts() -> dict[int, str]:
        return {e.index: e.text for e in engine.stream(request) if isinstance(e, SequenceDone)}

    engine.clear_cache()
    cold = texts()
    assert texts() == cold  # the prefix reused, the tail homes made again: the same text


def test_a_home_is_decoded_when_a_sequence_first_needs_it(engine, fills):
    # one sequence starts alone (a ramp of one), the others join one a step
    request = GenerationRequest(
        source=SOURCE, n=4, refills=4, seed=5, max_tokens=6, angles=prompts.REWRITE_MIX, ramp_start=1
    )
    engine.clear_cache()
    done = [e for e in engine.stream(request) if isinstance(e, SequenceDone)]
    assert len(done) == 8

    def homes_in(batch):
        return {e[2] for e in batch if request.n <= e[2] < engine.context.home}

    prefix, first_home, first_token = fills[0], fills[1], fills[2]
    assert {e[2] for e in prefix} == {engine.context.home}
    assert len({e[2] for e in first_home}) == 1 and homes_in(first_home)  # only the first sequence's home
    assert [e[2] for e in first_token] == [0]  # then the first sequence's last prompt token, alone
    decoded = [h for batch in fills for h in homes_in(batch)]
    assert sorted(decoded) == sorted(set(decoded)) and len(set(decoded)) == len(prompts.REWRITE_MIX)
