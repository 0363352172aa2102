"""How probable the loaded model finds a text: mean token log-probability, several texts per pass.

A small model sometimes writes word salad that passes every text rule; the model
itself knows it is improbable. ``score_texts`` tokenizes each text, puts several
texts in one ``llama_batch`` (each on its own sequence, logits for every token),
decodes once per batch, and averages ``log p(token_i | tokens_<i)`` over each
text's tokens after the first. Higher is more fluent; English prose scores
around -3 to -4 nats a token with SmolLM2-135M, shuffled words far lower.

Scoring has a context of its own (``ScoringContext``), so the generation
context and its cached prefix are left alone. The engine makes it on the first
call and keeps it until it closes (about 65 MB resident): a streaming stack
fill scores every candidate the moment it arrives, one call each, and no longer
makes and frees a context per arrival (about 9 ms of CPU each, against some
700 ms for the pass itself on one core: the cost of scoring is the decode of the
text with logits at every token, which no reuse removes). The KV cache is
cleared before every pass, so a text scores exactly as it did in a fresh
context, whatever was scored before it. Arrivals are not batched together: a
text's score moves by up to 0.06 nats with the company it is decoded in, and
batching saves no decode work. The engine's lock is held throughout, so
scoring and generating never touch llama.cpp at the same time.

``likelihood_texts`` reads more from the same one decode per text: beside the
mean log-probability, the shares of the text's tokens that were the model's
first choice (top 1) and among its ten most likely (top 10) at their position,
the "rate of words the model finds most likely" the style profile compares
with the writer's own (``domain.likelihood``).
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from cardwriter.domain.likelihood import TextLikelihood
from cardwriter.errors import UserError
from cardwriter.generation.llama.backend import ContextPointer, ModelPointer

if TYPE_CHECKING:
    from cardwriter.generation.llama.engine import LlamaEngine

BATCH_TOKENS = 512
"""Tokens decoded per pass: the logits of a pass take BATCH_TOKENS x vocabulary floats (about 100 MB)."""

MAX_TEXT_TOKENS = BATCH_TOKENS
"""A longer text is scored on its first MAX_TEXT_TOKENS tokens."""

MAX_TEXTS_PER_PASS = BATCH_TOKENS // 2
"""Texts of at least two tokens (shorter ones score 0.0 unscored), so at most this many share a pass."""


def mean_log_prob(logits: np.ndarray, tokens: Sequence[int]) -> float:
    """Mean of ``log softmax(logits[i])[tokens[i + 1]]``: row ``i`` predicts token ``i + 1``.

    ``logits`` has one row per token of ``tokens``. A text of one token scores 0.0.
    """
    if len(tokens) < 2:
        return 0.0
    # float32 rows, float64 sums: the same score to 1e-8 as all in float64, six times sooner
    rows = logits[: len(tokens) - 1]
    top = rows.max(axis=1)
    sums = np.exp(rows - top[:, None]).sum(axis=1, dtype=np.float64)
    picked = rows[np.arange(len(tokens) - 1), np.asarray(tokens[1:])].astype(np.float64)
    return float(np.mean(picked - top - np.log(sums)))


def token_likelihood(logits: np.ndarray, tokens: Sequence[int]) -> TextLikelihood:
    """``mean_log_prob`` of the rows, and how often ``tokens[i + 1]`` was among row ``i``'s top 1 and top 10.

    A token's rank is the number of tokens with a strictly higher logit, so a tie
    at the top counts as the model's first choice. A text of one token reads
    (0.0, 0.0, 0.0), as ``mean_log_prob`` scores it 0.0.
    """
    if len(tokens) < 2:
        return TextLikelihood(0.0, 0.0, 0.0)
    rows = logits[: len(tokens) - 1]
    picked = rows[np.arange(len(tokens) - 1), np.asarray(tokens[1:])]
    ranks = (rows > picked[:, None]).sum(axis=1)
    return TextLikelihood(
        log_prob=mean_log_prob(logits, tokens),
        top1=float(np.mean(ranks < 1)),
        top10=float(np.mean(ranks < 10)),
    )


def _batches(token_lists: list[list[int]]) -> list[list[int]]:
    """Indices of texts grouped so that each group's tokens fit in one pass."""
    groups: list[list[int]] = []
    used = BATCH_TOKENS
    for i, toks in enumerate(token_lists):
        if used + len(toks) > BATCH_TOKENS or len(groups[-1]) >= MAX_TEXTS_PER_PASS:
            groups.append([])
            used = 0
        groups[-1].append(i)
        used += len(toks)
    return groups


class ScoringContext:
    """A llama.cpp context of BATCH_TOKENS cells (one KV stream shared by the texts) and its batch."""

    def __init__(
        self,
        lib: ModuleType,
        model: ModelPointer,
        n_vocab: int,
        *,
        name: str,
        n_threads: int,
        n_threads_batch: int,
        n_seq_max: int = MAX_TEXTS_PER_PASS,
    ) -> None:
        self._lib = lib
        self._n_vocab = n_vocab
        self._name = name  # the model file's name, for messages
        params = lib.llama_context_default_params()
        params.n_ctx = BATCH_TOKENS
        params.n_batch = BATCH_TOKENS
        params.n_ubatch = BATCH_TOKENS
        params.n_seq_max = n_seq_max  # texts per pass at most
        params.kv_unified = True
        params.n_threads = n_threads
        params.n_threads_batch = n_threads_batch
        params.no_perf = True
        ctx = lib.llama_init_from_model(model, params)
        if not ctx:
            raise UserError(f"llama.cpp could not make a scoring context for {name}: not enough memory")
        self.ctx: ContextPointer = ctx
        self._memory = lib.llama_get_memory(ctx)
        self._batch = lib.llama_batch_init(BATCH_TOKENS, 0, 1)

    def free(self) -> None:
        if self._batch is not None:
            self._lib.llama_batch_free(self._batch)
            self._batch = None
        if self.ctx:
            self._lib.llama_free(self.ctx)
            self.ctx = 0

    def likelihood_pass(self, texts: list[list[int]]) -> list[TextLikelihood]:
        """``token_likelihood`` of each token list, all decoded in one pass from an empty cache."""
        lib = self._lib
        lib.llama_memory_clear(self._memory, True)
        rows = _fill(self._batch, texts)
        rc = lib.llama_decode(self.ctx, self._batch)
        if rc != 0:
            raise UserError(f"llama.cpp failed to score texts (code {rc}) with {self._name}")
        return [
            token_likelihood(_logit_rows(lib, self.ctx, first, len(toks), self._n_vocab), toks)
            for first, toks in zip(rows, texts, strict=True)
        ]


def score_texts(engine: LlamaEngine, texts: Sequence[str]) -> list[float]:
    """Mean token log-probability of each text under the engine's model (0.0 for an empty text)."""
    return [found.log_prob for found in likelihood_texts(engine, texts)]


def likelihood_texts(engine: LlamaEngine, texts: Sequence[str]) -> list[TextLikelihood]:
    """Each text's mean token log-probability, and the shares of its tokens that were the model's top 1 and top 10.

    Texts of fewer than two tokens read (0.0, 0.0, 0.0). ``score_texts`` is the
    ``log_prob`` of this: one pass serves both (the ranks cost a few ms beside the decode).
    """
    token_lists = [engine.tokenize(t)[:MAX_TEXT_TOKENS] if t.strip() else [] for t in texts]
    found = [TextLikelihood(0.0, 0.0, 0.0)] * len(texts)
    todo = [i for i, t in enumerate(token_lists) if len(t) >= 2]
    if not todo:
        return found
    with engine.exclusive():
        context = engine.scoring_context()
        for group in _batches([token_lists[i] for i in todo]):
            passed = context.likelihood_pass([token_lists[todo[g]] for g in group])
            for g, value in zip(group, passed, strict=True):
                found[todo[g]] = value
    return found


def _fill(batch, texts: list[list[int]]) -> list[int]:
    """Put every token of every text in the batch (text ``i`` on sequence ``i``), logits on; each text's first row."""
    i, firsts = 0, []
    for seq, toks in enumerate(texts):
        firsts.append(i)
        for pos, token in enumerate(toks):
            batch.token[i] = token
            batch.pos[i] = pos
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = True
            i += 1
    batch.n_tokens = i
    return firsts


def _logit_rows(lib, ctx, first: int, count: int, n_vocab: int) -> np.ndarray:
    """Logit rows ``first .. first + count - 1`` of the last decode, as a (count, n_vocab) array."""
    out = np.empty((count, n_vocab), dtype=np.float32)
    for r in range(count):
        ptr = lib.llama_get_logits_ith(ctx, first + r)
        out[r] = np.ctypeslib.as_array(ctypes.cast(ptr, ctypes.POINTER(ctypes.c_float)), shape=(n_vocab,))
    return out
