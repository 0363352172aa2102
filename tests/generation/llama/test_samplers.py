"""Sampler chains from presets and the first token's bans, with the real default model."""

from __future__ import annotations

import dataclasses

import pytest

from cardwriter.generation.presets import get_preset
from cardwriter.generation.protocol import TextPiece

pytestmark = pytest.mark.slow

# nearly greedy: the same prompt gives every sequence the same likeliest first token
NEAR_GREEDY = dataclasses.replace(get_preset("faithful"), temperature=0.01)


def first_pieces(engine, distinct: bool) -> list[str]:
    events = engine.stream_prompts(
        ["The lighthouse keeper said"] * 4,
        seeds=[1, 2, 3, 4],
        preset=NEAR_GREEDY,
        max_tokens=[1] * 4,
        distinct_openings=distinct,
    )
    return [e.text for e in sorted((e for e in events if isinstance(e, TextPiece)), key=lambda e: e.index)]


def test_siblings_open_differently_only_when_asked(engine):
    same = first_pieces(engine, distinct=False)
    assert len(same) == 4 and len(set(same)) == 1, same
    distinct = first_pieces(engine, distinct=True)
    assert len(distinct) == 4 and len(set(distinct)) == 4, distinct
    assert distinct[0] == same[0]  # the first sequence has no sibling before it


def test_banning_end_of_generation_adds_one_sampler_in_front(engine):
    import llama_cpp

    chains = [engine.samplers.chain(get_preset("balanced"), seed=1, ban_eog=ban) for ban in (False, True)]
    try:
        assert [llama_cpp.llama_sampler_chain_n(c) for c in chains] == [6, 7]
        assert llama_cpp.llama_sampler_name(llama_cpp.llama_sampler_chain_get(chains[1], 0)) == b"logit-bias"
    finally:
        for chain in chains:
            engine.samplers.free(chain)
