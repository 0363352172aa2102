"""Sampling a step's sequences with top-nσ done for all of them at once, in numpy.

A sampler chain with top-nσ (the balanced preset, the app's default) spent most
of its time on the whole vocabulary: llama.cpp builds a 49,152-entry candidate array
for every sequence at every step, DRY looks every entry up in a table, and
top-nσ takes the mean and spread of all the logits, though it keeps only a few
tokens. Here the logits of all the step's sequences are one matrix: their
maxima, means and spreads come from a few numpy passes over it, and each
sequence hands llama.cpp only the tokens top-nσ keeps. The samplers before
top-nσ in the chain (repetition penalty, DRY, which only lower some tokens'
logits) and those after it (min-p, XTC, temperature, the draw) are the
sequence's own, applied by llama.cpp to that short array, in the chain's order,
and the chain accepts the token as ``llama_sampler_sample`` would have it.

``BatchRun`` samples this way every token of a sequence but its first (which
bans its siblings' first tokens) in steps that decoded one token a sequence (a
step where a refill's prompt tail joined goes the old way), for chains that
``SamplerFactory.split`` finds safe to split: min-p right after top-nσ drops the
tokens top-nσ set aside, so what follows sees the same short array either way.
16 sequences × 96 tokens: 6.91 → 6.33 s with the very same texts
(``tests/generation/llama/test_step_sampling.py`` checks that, DRY's lowered tops too).

The same tokens come out, in the same order, with one approximation: the spread
top-nσ measures is taken before DRY and the penalty lower their few tokens, not
after (llama.cpp's own sum runs in single precision and moves more than that).
The maximum is exact: when a penalty lowers the top token, the threshold falls
with it and the tokens it now lets in are fetched and penalised too.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from cardwriter.generation.llama.backend import ContextPointer, SamplerPointer

TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])  # llama_token_data


@dataclass(frozen=True)
class SplitChain:
    """A chain with top-nσ, seen as the samplers before it and after it (indices into the chain)."""

    n_sigma: float
    banned: tuple[int, ...]  # tokens the chain's first sampler bans on every token
    before: tuple[int, ...]  # samplers that lower some tokens' logits (repetition penalty, DRY)
    after: tuple[int, ...]  # the rest, down to the one that draws the token


class StepLogits:
    """The logits of one decode's output rows, and top-nσ's statistics for each row, made on first use."""

    @classmethod
    def read(cls, lib: ModuleType, ctx: ContextPointer, n_rows: int, n_vocab: int) -> StepLogits:
        """The last decode's rows, read in place (valid until the next decode)."""
        pointer = ctypes.cast(lib.llama_get_logits(ctx), ctypes.POINTER(ctypes.c_float))
        return cls(np.ctypeslib.as_array(pointer, shape=(n_rows, n_vocab)))

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix  # row i: the logits of the batch's entry i (a view of llama.cpp's buffer)
        self._stats: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {}

    def stats(self, banned: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Each row's largest logit and the spread of its logits, ``banned`` tokens left out of both."""
        if banned not in self._stats:
            m = self.matrix
            count = m.shape[1] - len(banned)
            total = m.sum(axis=1)
            squares = np.einsum("ij,ij->i", m, m)
            top = m.max(axis=1)
            if banned:
                cut = m[:, list(banned)]
                total = total - cut.sum(axis=1)
                squares = squares - np.einsum("ij,ij->i", cut, cut)
                keep = np.ones(m.shape[1], bool)
                keep[list(banned)] = False
                for row in np.flatnonzero(cut.max(axis=1) >= top):  # a banned token was the largest
                    top[row] = m[row, keep].max()
            mean = total / count
            spread = np.sqrt(np.maximum(squares / count - mean * mean, 0.0))
            self._stats[banned] = (top, spread)
        return self._stats[banned]


class StepSampler:
    """Samples one sequence's token from a ``StepLogits`` with its chain seen as a ``SplitChain``."""

    def __init__(self, lib: ModuleType) -> None:
        self._lib = lib

    def sample(self, chain: SamplerPointer, split: SplitChain, step: StepLogits, row: int) -> int:
        lib = self._lib
        logits = step.matrix[row]
        top, spread = step.stats(split.banned)
        width = split.n_sigma * float(spread[row])
        floor = float(top[row]) - width
        ids = self._candidates(logits, floor, np.inf, split.banned)
        data = self._lowered(chain, split, ids, logits)
        highest = float(top[row])
        while True:
            new_top = float(data["logit"].max())
            if new_top >= highest:
                break
            # a penalty lowered the top token: the threshold falls, and lets in tokens below the old one
            highest, lower = new_top, new_top - width
            more = self._candidates(logits, lower, floor, split.banned)
            floor = lower
            if not more.size:
                break
            data = np.sort(np.concatenate([data, self._lowered(chain, split, more, logits)]), order="id")
        data = data[data["logit"] >= highest - width]
        array = self._array(data)
        for index in split.after:
            lib.llama_sampler_apply(lib.llama_sampler_chain_get(chain, index), ctypes.byref(array))
        token = int(array.data[array.selected].id)  # XTC may have moved the array's start: read through it
        lib.llama_sampler_accept(chain, token)
        return token

    @staticmethod
    def _candidates(logits: np.ndarray, low: float, high: float, banned: tuple[int, ...]) -> np.ndarray:
        """Token ids with ``low <= logit < high``, ascending, banned ones left out."""
        ids = np.flatnonzero((logits >= low) & (logits < high))
        return np.setdiff1d(ids, banned, assume_unique=True) if banned else ids

    def _lowered(self, chain: SamplerPointer, split: SplitChain, ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """Token data for ``ids``, with the chain's samplers before top-nσ applied (they lower logits)."""
        lib = self._lib
        data = np.zeros(ids.size, TOKEN_DATA)
        data["id"] = ids
        data["logit"] = logits[ids]
        if split.before and ids.size:
            array = self._array(data)
            for index in split.before:
                lib.llama_sampler_apply(lib.llama_sampler_chain_get(chain, index), ctypes.byref(array))
        return data

    def _array(self, data: np.ndarray) -> Any:
        """A ``llama_token_data_array`` over ``data`` (not sorted, nothing selected): llama.cpp works in place."""
        lib = self._lib
        return lib.llama_token_data_array(
            data.ctypes.data_as(ctypes.POINTER(lib.llama_token_data)), data.size, -1, False
        )
