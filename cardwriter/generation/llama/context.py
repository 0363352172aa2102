"""A llama.cpp context sized for a run, its batch, and the prompt prefix kept on its home sequence.

Sequences ``0..n_seq_max-2`` are the working sequences of a run (and the
homes of its shared prompt tails, see ``run``); the last one, ``home``, holds
the shared prompt prefix. A run copies the home sequence's KV
cache to each working sequence (``llama_memory_seq_cp``) instead of decoding
the prefix N times, and the home sequence keeps it afterwards for the next run
with exactly the same prefix.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from cardwriter.errors import UserError
from cardwriter.generation.llama.backend import ContextPointer, ModelPointer
from cardwriter.generation.llama.blend import ControlVector


class DecodingContext:
    """A ``llama_context`` with one reusable ``llama_batch`` as large as the context.

    ``unified`` False gives each sequence its own KV stream of ``n_ctx / n_seq_max``
    cells; True, one stream shared by all.
    """

    def __init__(
        self,
        lib: ModuleType,
        model: ModelPointer,
        model_file: Path,
        *,
        n_ctx: int,
        n_seq_max: int,
        unified: bool,
        n_threads: int,
        n_threads_batch: int,
        flash_attn: int,
        n_outputs: int | None = None,
    ) -> None:
        """``n_outputs``: logit rows one decode may ask for (default one per sequence)."""
        self._lib = lib
        self._model_file = model_file
        params = lib.llama_context_default_params()
        params.n_ctx = n_ctx
        # one llama_decode takes a whole prompt or all tails at once (llama.cpp splits it
        # into micro-batches of n_ubatch itself), so the logits of every tail's last token
        # come out of the same call
        params.n_batch = n_ctx
        params.n_ubatch = min(n_ctx, 512)
        params.n_seq_max = n_seq_max
        # at most one logit row per sequence per call (a close rewrite: two): keeps the reserved
        # compute buffer from sizing a vocabulary-wide output for every token of a micro-batch
        params.n_outputs_max = n_outputs or n_seq_max
        params.n_threads = n_threads
        params.n_threads_batch = n_threads_batch
        params.kv_unified = unified
        params.flash_attn_type = flash_attn
        params.no_perf = True
        ctx = lib.llama_init_from_model(model, params)
        if not ctx:
            raise UserError(
                f"llama.cpp could not make a context of {n_ctx} tokens for {n_seq_max - 1} sequences with "
                f"{model_file.name}: not enough memory; ask for fewer variants or shorter ones"
            )
        self.ctx: ContextPointer = ctx
        self.n_ctx: int = lib.llama_n_ctx(ctx)
        self.n_seq_max = n_seq_max
        self.n_outputs = n_outputs or n_seq_max
        self.unified = unified
        self.home = n_seq_max - 1
        self.cached: list[int] = []  # the prompt tokens held on the home sequence
        self._memory = lib.llama_get_memory(ctx)
        self._batch = lib.llama_batch_init(self.n_ctx, 0, 1)
        self.control: ControlVector | None = None  # the control vector llama.cpp applies now
        # wall time inside llama_decode so far, for benchmarks: all calls, and those of generation steps
        # (one new token a sequence, every one with logits; no prompt tokens), with their tokens
        self.decode_seconds = 0.0
        self.step_seconds = 0.0
        self.step_tokens = 0
        self.decodes = 0  # llama_decode calls so far: what was read of the logits is stale once this moves
        self._batch_is_step = False

    def steer(self, control: ControlVector | None) -> None:
        """Apply ``control`` (None or strength 0: none) from the next decode on.

        The cached prefix was decoded under the old vector, so a change forgets it.
        """
        if control is not None and control.is_null:
            control = None
        if control is self.control:
            return
        if control is None:
            rc = self._lib.llama_set_adapter_cvec(self.ctx, None, 0, 0, -1, -1)
        else:
            data = control.buffer()
            pointer = data.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            rc = self._lib.llama_set_adapter_cvec(
                self.ctx, pointer, data.size, data.shape[1], control.first, control.last
            )
        if rc != 0:
            raise UserError(f"llama.cpp refused the control vector (code {rc}) for {self._model_file.name}")
        self.control = control
        self.forget_prefix()

    def fits(self, n_seq: int, per_seq: int, total: int, unified: bool, n_outputs: int = 0) -> bool:
        """Whether ``n_seq`` working sequences of ``per_seq`` cells (``total`` in all) fit here,
        with ``n_outputs`` logit rows a decode (0: one per sequence)."""
        if unified != self.unified or self.n_seq_max < n_seq + 1 or self.n_outputs < n_outputs:
            return False
        return self.n_ctx >= total if unified else self.n_ctx // self.n_seq_max >= per_seq

    def free(self) -> None:
        if self._batch is not None:
            self._lib.llama_batch_free(self._batch)
            self._batch = None
        if self.ctx:
            self._lib.llama_free(self.ctx)
            self.ctx = 0
        self.cached = []

    # -- the KV cache ----------------------------------------------------------

    def forget_prefix(self) -> None:
        """Drop the cached prefix from the home sequence (the working sequences are left alone)."""
        self.drop(self.home)
        self.cached = []

    def drop(self, seq: int) -> None:
        """Free sequence ``seq``'s cells."""
        self._lib.llama_memory_seq_rm(self._memory, seq, -1, -1)

    def drop_from(self, seq: int, position: int) -> None:
        """Free sequence ``seq``'s cells from ``position`` on (a close rewrite rolling a place back)."""
        self._lib.llama_memory_seq_rm(self._memory, seq, position, -1)

    def last_position(self, seq: int) -> int:
        """The last KV position sequence ``seq`` holds (-1: none)."""
        pos: int = self._lib.llama_memory_seq_pos_max(self._memory, seq)
        return pos

    def hold_prefix(self, prefix: Sequence[int], reuse: bool) -> None:
        """Have the home sequence hold exactly ``prefix``, decoding it unless it already does.

        Only an exact match is reused: llama.cpp's numbers depend on how a prompt
        is cut into batches (flash attention, f16 KV), so a prefix decoded in two
        pieces would give other logits, and other text, than a cold run.
        """
        keep = len(prefix) if reuse and self.cached == list(prefix) else 0
        self.cached = []
        self._lib.llama_memory_seq_rm(self._memory, self.home, keep, -1)
        if len(prefix) > keep:
            self.fill([(prefix[p], p, self.home, False) for p in range(keep, len(prefix))])
            self.decode()
        if reuse:
            self.cached = list(prefix)

    def share_prefix(self, seq: int) -> None:
        """Give sequence ``seq`` a copy of the home sequence's cells (the prefix)."""
        self.copy(self.home, seq)

    def copy(self, source: int, seq: int) -> None:
        """Give sequence ``seq`` (empty) a copy of all of sequence ``source``'s cells."""
        self._lib.llama_memory_seq_cp(self._memory, source, seq, -1, -1)

    # -- the batch ---------------------------------------------------------------

    def fill(self, entries: Sequence[tuple[int, int, int, bool]]) -> None:
        """Put ``(token, position, sequence, wants logits)`` entries in the batch, in order.

        The entry at index ``i`` gives logits row ``i`` when it wants logits.
        """
        batch = self._batch
        tok, pos, n_seq_id, seq_id, logits = batch.token, batch.pos, batch.n_seq_id, batch.seq_id, batch.logits
        for i, (token, position, seq, wants_logits) in enumerate(entries):
            tok[i] = token
            pos[i] = position
            n_seq_id[i] = 1
            seq_id[i][0] = seq
            logits[i] = wants_logits
        batch.n_tokens = len(entries)
        self._batch_is_step = all(entry[3] for entry in entries)

    @property
    def step_rows(self) -> int:
        """Logit rows of the last decode when its batch was a step (one token a sequence, each with
        logits, so output row i is entry i); 0 otherwise."""
        return self._batch.n_tokens if self._batch_is_step else 0

    def decode(self) -> None:
        """Run the model over the batch (one ``llama_decode``)."""
        started = time.perf_counter()
        rc = self._lib.llama_decode(self.ctx, self._batch)
        took = time.perf_counter() - started
        self.decodes += 1
        self.decode_seconds += took
        if self._batch_is_step:
            self.step_seconds += took
            self.step_tokens += self._batch.n_tokens
        if rc != 0:
            raise UserError(
                f"llama.cpp failed to decode (code {rc}) with {self._model_file.name}; try fewer variants or shorter ones"
            )
