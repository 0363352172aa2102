"""Sampler chains built from a ``SamplerPreset``, and the first token's bans.

Every sequence samples with its own llama.cpp sampler chain and seed, built
here in the order llama.cpp's own tools use (see ``presets``). On its first
token a sequence samples through a head chain that bans end-of-generation (no
variant comes back empty) and, for distinct openings, the first tokens its
siblings already took; the head then gives the sequence its chain back. Every
ban goes through one function, ``_bans``.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Iterable
from types import ModuleType

import numpy as np

from cardwriter.generation.llama.backend import ContextPointer, SamplerPointer, VocabPointer
from cardwriter.generation.llama.step_sampling import SplitChain, StepLogits, StepSampler
from cardwriter.generation.presets import DRY_SEQUENCE_BREAKERS, SamplerPreset

NEG_INF = float("-inf")

DryKey = tuple[float, float, int, int]


class SamplerFactory:
    """Makes sampler chains for one model's vocabulary; owns the DRY prototypes it clones."""

    def __init__(self, lib: ModuleType, vocab: VocabPointer, n_vocab: int, eog_tokens: tuple[int, ...]) -> None:
        self._lib = lib
        self._vocab = vocab
        self._n_vocab = n_vocab
        self.eog_tokens = eog_tokens
        self._dry_prototypes: dict[DryKey, SamplerPointer] = {}
        self._dry_breakers = (ctypes.c_char_p * len(DRY_SEQUENCE_BREAKERS))(
            *(b.encode() for b in DRY_SEQUENCE_BREAKERS)
        )
        self.step = StepSampler(lib)  # samples with a ``split`` chain from a ``step_logits``

    def step_logits(self, ctx: ContextPointer, n_rows: int) -> StepLogits:
        """The last decode's ``n_rows`` rows of logits, for ``step.sample`` (valid until the next decode)."""
        return StepLogits.read(self._lib, ctx, n_rows, self._n_vocab)

    def close(self) -> None:
        for proto in self._dry_prototypes.values():
            self._lib.llama_sampler_free(proto)
        self._dry_prototypes.clear()

    def chain(self, preset: SamplerPreset, seed: int, ban_eog: bool = False) -> SamplerPointer:
        """A new sampler chain for ``preset`` drawing with ``seed``; the caller frees it.

        ``ban_eog`` bans end-of-generation on every token (the sequence runs to its budget).
        """
        chain = self._empty_chain()
        for _kind, make in self._parts(preset, seed, ban_eog):
            self._lib.llama_sampler_chain_add(chain, make())
        return chain

    def split(self, preset: SamplerPreset, ban_eog: bool = False) -> SplitChain | None:
        """Where top-nσ sits in ``chain(preset, ...)``'s samplers (None: llama.cpp samples every token).

        ``step_sampling`` does the bans and top-nσ itself, for all sequences at once,
        and has llama.cpp apply the samplers before it (repetition penalty, DRY) and
        after it to the few tokens top-nσ keeps.
        """
        if preset.top_n_sigma is None:
            return None
        kinds = [kind for kind, _make in self._parts(preset, 0, ban_eog)]
        at = kinds.index("top-n-sigma")
        # only where the outcome is the same as over the whole vocabulary: min-p first after top-nσ drops
        # the tokens it set to -inf, and what follows sees the same short array either way
        rest = kinds[at + 1 :]
        if rest[:1] != ["min-p"] or not set(rest[1:]) <= {"xtc", "temp", "dist"}:
            return None
        return SplitChain(
            n_sigma=preset.top_n_sigma,
            banned=self.eog_tokens if ban_eog else (),
            before=tuple(i for i, kind in enumerate(kinds[:at]) if kind != "bans"),
            after=tuple(range(at + 1, len(kinds))),
        )

    def _parts(self, preset: SamplerPreset, seed: int, ban_eog: bool) -> list[tuple[str, Callable[[], SamplerPointer]]]:
        """The chain's samplers in order, each as its kind and a function that makes it."""
        lib = self._lib
        p = preset
        parts: list[tuple[str, Callable[[], SamplerPointer]]] = []
        if ban_eog and self.eog_tokens:
            parts.append(("bans", lambda: self._bans(self.eog_tokens)))
        if p.repeat_penalty != 1.0:
            parts.append(
                (
                    "penalties",
                    lambda: lib.llama_sampler_init_penalties(
                        self._n_vocab, p.repeat_last_n, p.repeat_penalty, 0.0, 0.0
                    ),
                )
            )
        if p.dry_multiplier > 0:
            parts.append(("dry", lambda: lib.llama_sampler_clone(self._dry_prototype(p))))
        if p.top_n_sigma is not None:
            parts.append(("top-n-sigma", lambda: lib.llama_sampler_init_top_n_sigma(p.top_n_sigma)))
        if p.top_k > 0:
            parts.append(("top-k", lambda: lib.llama_sampler_init_top_k(p.top_k)))
        if p.typical_p < 1.0:
            parts.append(("typical", lambda: lib.llama_sampler_init_typical(p.typical_p, 1)))
        if p.top_p < 1.0:
            parts.append(("top-p", lambda: lib.llama_sampler_init_top_p(p.top_p, 1)))
        if p.min_p > 0:
            parts.append(("min-p", lambda: lib.llama_sampler_init_min_p(p.min_p, 1)))
        if p.xtc_probability > 0:
            parts.append(("xtc", lambda: lib.llama_sampler_init_xtc(p.xtc_probability, p.xtc_threshold, 1, seed)))
        parts.append(("temp", lambda: lib.llama_sampler_init_temp(p.temperature)))
        if p.mirostat_tau is not None:
            tau = p.mirostat_tau
            parts.append(("mirostat", lambda: lib.llama_sampler_init_mirostat_v2(seed, tau, p.mirostat_eta)))
        else:
            parts.append(("dist", lambda: lib.llama_sampler_init_dist(seed)))
        return parts

    def sample(self, chain: SamplerPointer, ctx: ContextPointer, row: int) -> int:
        """Sample (and accept) a token from logits row ``row`` of the last decode."""
        token: int = self._lib.llama_sampler_sample(chain, ctx, row)
        return token

    def log_prob(self, ctx: ContextPointer, row: int, token: int) -> float:
        """log p(``token``) under the raw logits of row ``row`` (the samplers copy them, never change them).

        About 0.1 ms for SmolLM2's 49,152 logits: what lets the stack filler judge a
        candidate's fluency without decoding its text again.
        """
        pointer = ctypes.cast(self._lib.llama_get_logits_ith(ctx, row), ctypes.POINTER(ctypes.c_float))
        logits = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
        top = float(logits.max())
        return float(logits[token]) - top - math.log(float(np.exp(logits - top).sum(dtype=np.float64)))

    def free(self, chain: SamplerPointer) -> None:
        self._lib.llama_sampler_free(chain)

    def sample_first(self, chain: SamplerPointer, ctx: ContextPointer, row: int, taken: Iterable[int]) -> int:
        """Sample a sequence's first token with ``chain``, end-of-generation and ``taken`` banned.

        The bans sit in a head chain in front of the sequence's own chain, so the
        sequence's samplers see (and accept) the token as usual; the head is
        freed and the chain handed back afterwards.
        """
        lib = self._lib
        head = self._empty_chain()
        banned = (*self.eog_tokens, *taken)
        if banned:
            lib.llama_sampler_chain_add(head, self._bans(banned))
        lib.llama_sampler_chain_add(head, chain)
        token: int = lib.llama_sampler_sample(head, ctx, row)
        lib.llama_sampler_chain_remove(head, 1 if banned else 0)  # the chain is the sequence's, not the head's
        lib.llama_sampler_free(head)
        return token

    def _empty_chain(self) -> SamplerPointer:
        params = self._lib.llama_sampler_chain_default_params()
        params.no_perf = True
        chain: SamplerPointer = self._lib.llama_sampler_chain_init(params)
        return chain

    def _bans(self, tokens: tuple[int, ...]) -> SamplerPointer:
        """A logit-bias sampler that makes ``tokens`` impossible."""
        lib = self._lib
        entries = (lib.llama_logit_bias * len(tokens))(*(lib.llama_logit_bias(t, NEG_INF) for t in tokens))
        sampler: SamplerPointer = lib.llama_sampler_init_logit_bias(self._n_vocab, len(tokens), entries)
        return sampler

    def _dry_prototype(self, preset: SamplerPreset) -> SamplerPointer:
        """A DRY sampler to clone: making one scans the vocabulary (~8 ms), cloning it does not."""
        key = (preset.dry_multiplier, preset.dry_base, preset.dry_allowed_length, preset.dry_penalty_last_n)
        proto = self._dry_prototypes.get(key)
        if proto is None:
            proto = self._lib.llama_sampler_init_dry(self._vocab, *key, self._dry_breakers, len(DRY_SEQUENCE_BREAKERS))
            self._dry_prototypes[key] = proto
        return proto
