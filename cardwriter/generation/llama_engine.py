"""Batched multi-variant decoding on llama.cpp's low-level API.

llama-cpp-python's high-level ``create_completion`` runs one sequence at a
time with the older samplers. This engine drives llama.cpp directly:

1. Each of the N sequences has its own prompt (its own angle), but the prompts
   share a long prefix (the paragraph). The common token prefix is decoded
   once, on a home sequence of its own (the context's last), and its KV cache
   copied to sequences 0..N-1 with ``llama_memory_seq_cp``; the N short tails
   are then decoded in one batch (one ``llama_decode``).
   The home sequence keeps the prefix after the request: the next request
   with exactly the same prefix (the GUI asking about the same card again)
   skips decoding it. Only an exact match is reused, never part of a prefix:
   llama.cpp's numbers depend on how a prompt is cut into batches, and the
   same seed must give the same text whatever was asked before.
2. Every step decodes one token for every live sequence in a single
   ``llama_decode``; a finished sequence leaves the batch and frees its cache
   (``llama_memory_seq_rm``).
3. Each sequence samples with its own sampler chain (``presets``) and seed.
   On the first token a sequence's chain starts with a logit bias that bans
   the first tokens its siblings already took, so openings differ, and bans
   end-of-generation, so no variant comes back empty.
4. ``stream`` yields ``TextPiece``/``SequenceDone`` events as it goes; the
   cancel event (or ``cancel()``) is checked before every token.

The per-step loop is kept lean: one batch made with the context and filled
through ctypes, token pieces cached, the paragraph-end scan only when a piece
brings a line break.

The engine is meant to be used from one worker thread at a time (a lock
guards it); ``cancel()`` may be called from any thread.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import threading
import time
from collections.abc import Iterator, Sequence

from cardwriter.errors import UserError
from cardwriter.generation import prompts
from cardwriter.generation.chat_template import ChatTemplate
from cardwriter.generation.model_files import check_model_file, resolve_model
from cardwriter.generation.presets import DRY_SEQUENCE_BREAKERS, SamplerPreset, get_preset
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    FINISH_LENGTH,
    FINISH_STOP,
    Event,
    GenerationRequest,
    SequenceDone,
    TextPiece,
)

NEG_INF = float("-inf")
_CTX_ROUND = 256


def _import_llama_cpp():  # noqa: ANN202 - the module
    try:
        import llama_cpp
    except ImportError as exc:
        raise UserError(
            f"llama-cpp-python is not installed or cannot load ({exc}); install it with "
            "'pip install llama-cpp-python' or point --model at a server URL"
        ) from None
    return llama_cpp


class _Backend:
    """llama.cpp's process-wide state: initialised once, logs silenced unless asked."""

    _lock = threading.Lock()
    _ready = False
    _log_callback = None  # kept alive: llama.cpp holds a pointer to it

    @classmethod
    def ensure(cls, verbose: bool) -> object:
        lib = _import_llama_cpp()
        with cls._lock:
            if not cls._ready:
                lib.llama_backend_init()
                cls._ready = True
            if cls._log_callback is None:

                @lib.llama_log_callback
                def _quiet(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
                    if _Backend.verbose and text:
                        os.write(2, text)

                cls._log_callback = _quiet
                lib.llama_log_set(cls._log_callback, ctypes.c_void_p(0))
            cls.verbose = verbose
        return lib

    verbose = False


class LlamaEngine:
    """A local GGUF model with batched, streaming, cancellable multi-variant generation.

    ``kv_unified`` False (the default) gives each sequence its own KV stream,
    which llama.cpp recommends when sequences share only a short prefix.
    ``reuse_prefix`` True (the default) keeps the last request's shared prompt
    prefix in the KV cache for the next request with the same prefix.
    ``n_threads_batch`` (default ``n_threads``) is for prompt decoding.
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        n_threads: int | None = None,
        n_threads_batch: int | None = None,
        kv_unified: bool = False,
        reuse_prefix: bool = True,
        verbose: bool = False,
    ) -> None:
        self.path = resolve_model(model)
        header = check_model_file(self.path)  # magic bytes, header, memory: before llama.cpp sees the file
        template_source = header.get_str("tokenizer.chat_template")
        self.template = ChatTemplate(template_source, str(self.path)) if template_source else None
        self.model_name = self.path.stem
        self.n_threads = n_threads or min(os.cpu_count() or 2, 8)
        self.n_threads_batch = n_threads_batch or self.n_threads
        self.kv_unified = kv_unified
        self.reuse_prefix = reuse_prefix
        self._lib = lib = _Backend.ensure(verbose)
        params = lib.llama_model_default_params()
        self._model = lib.llama_model_load_from_file(str(self.path).encode(), params)
        if not self._model:
            raise UserError(
                f"llama.cpp could not load model file {self.path}: it is damaged, incomplete, or of an "
                "architecture this version does not support; download it again or pick another model"
            )
        self._vocab = lib.llama_model_get_vocab(self._model)
        self.n_vocab = lib.llama_vocab_n_tokens(self._vocab)
        self.n_ctx_train = lib.llama_model_n_ctx_train(self._model)
        self.eog_tokens = tuple(t for t in range(self.n_vocab) if lib.llama_vocab_is_eog(self._vocab, t))
        self._bos = self._special_piece(lib.llama_vocab_bos(self._vocab))
        self._eos = self._special_piece(lib.llama_vocab_eos(self._vocab))
        self._piece_buf = ctypes.create_string_buffer(256)
        self._pieces: dict[int, bytes] = {}
        self._ctx = None
        self._ctx_shape: tuple[int, int, bool] = (0, 0, False)  # n_ctx, n_seq_max, kv_unified
        self._batch = None  # a llama_batch of the context's size, made with the context
        self._cached: list[int] = []  # prompt tokens held on the home sequence (the context's last)
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._dry_prototypes: dict[tuple, object] = {}
        self._dry_breakers = (ctypes.c_char_p * len(DRY_SEQUENCE_BREAKERS))(
            *(b.encode() for b in DRY_SEQUENCE_BREAKERS)
        )

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._free_context()
            for proto in self._dry_prototypes.values():
                self._lib.llama_sampler_free(proto)
            self._dry_prototypes.clear()
            if self._model:
                self._lib.llama_model_free(self._model)
                self._model = None

    def __enter__(self) -> LlamaEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cancel(self) -> None:
        """Stop the generation in progress within one token (callable from any thread)."""
        self._cancelled.set()

    # -- text <-> tokens ----------------------------------------------------

    def tokenize(self, text: str, parse_special: bool = True) -> list[int]:
        data = text.encode("utf-8")
        size = len(data) + 16
        buf = (ctypes.c_int32 * size)()
        n = self._lib.llama_tokenize(self._vocab, data, len(data), buf, size, True, parse_special)
        if n < 0:
            size = -n
            buf = (ctypes.c_int32 * size)()
            n = self._lib.llama_tokenize(self._vocab, data, len(data), buf, size, True, parse_special)
        return list(buf[:n])

    def _piece(self, token: int) -> bytes:
        piece = self._pieces.get(token)
        if piece is None:
            n = self._lib.llama_token_to_piece(self._vocab, token, self._piece_buf, 256, 0, False)
            piece = self._piece_buf.raw[: max(n, 0)]
            self._pieces[token] = piece
        return piece

    def _special_piece(self, token: int) -> str:
        if token < 0:
            return ""
        buf = ctypes.create_string_buffer(256)
        n = self._lib.llama_token_to_piece(self._vocab, token, buf, 256, 0, True)
        return buf.raw[: max(n, 0)].decode("utf-8", errors="replace")

    # -- prompts --------------------------------------------------------------

    def render(self, plan: prompts.SequencePlan) -> str:
        """The prompt text of one sequence: the chat template, or the plain completion prompt."""
        if self.template is None:
            return plan.completion_prompt
        return self.template.render(plan.messages, bos_token=self._bos, eos_token=self._eos)

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator[Event]:
        plans = prompts.plan(request)
        yield from self.stream_prompts(
            [self.render(p) for p in plans],
            seeds=[p.seed for p in plans],
            preset=get_preset(request.preset),
            max_tokens=[p.max_tokens for p in plans],
            cancel=cancel,
            distinct_openings=request.distinct_openings,
        )

    # -- the batched loop -----------------------------------------------------

    def stream_prompts(
        self,
        texts: Sequence[str],
        *,
        seeds: Sequence[int],
        preset: SamplerPreset,
        max_tokens: Sequence[int],
        cancel: threading.Event | None = None,
        distinct_openings: bool = True,
        stop_at_paragraph_end: bool = True,
        ban_eog: bool = False,
    ) -> Iterator[Event]:
        """Generate one sequence per prompt text, all in one batch per step.

        ``ban_eog`` forbids ending early (every sequence runs to its budget: for benchmarks).
        """
        n = len(texts)
        if not (n == len(seeds) == len(max_tokens)) or n == 0:
            raise ValueError("texts, seeds and max_tokens must be non-empty and of equal length")
        token_lists = [self.tokenize(t) for t in texts]
        with self._lock:
            self._cancelled.clear()
            yield from self._run(token_lists, seeds, preset, max_tokens, cancel, distinct_openings, stop_at_paragraph_end, ban_eog)

    def _context(self, n_seq: int, per_seq: int, total: int):  # noqa: ANN202 - a llama_context pointer
        """A context for ``n_seq`` working sequences plus the home sequence of the cached prefix.

        Non-unified: every sequence has its own KV stream of ``per_seq`` cells.
        Unified: one stream of ``total`` cells shared by all. An existing context
        that is big enough is kept, and with it the prefix cached on its home
        sequence (the last one).
        """
        lib = self._lib
        have_ctx, have_seq, have_unified = self._ctx_shape
        if self._ctx and have_unified == self.kv_unified and have_seq >= n_seq + 1:
            fits = have_ctx >= total if self.kv_unified else have_ctx // have_seq >= per_seq
            if fits:
                return self._ctx
        self._free_context()
        n_seq_max = n_seq + 1
        n_ctx = total if self.kv_unified else per_seq * n_seq_max
        params = lib.llama_context_default_params()
        params.n_ctx = n_ctx
        # one llama_decode takes a whole prompt or all tails at once (llama.cpp splits it
        # into micro-batches of n_ubatch itself), so the logits of every tail's last token
        # come out of the same call
        params.n_batch = n_ctx
        params.n_ubatch = min(n_ctx, 512)
        params.n_seq_max = n_seq_max
        # at most one logit row per sequence per call: keeps the reserved compute buffer
        # from sizing a vocabulary-wide output for every token of a micro-batch
        params.n_outputs_max = n_seq_max
        params.n_threads = self.n_threads
        params.n_threads_batch = self.n_threads_batch
        params.kv_unified = self.kv_unified
        params.no_perf = True
        ctx = lib.llama_init_from_model(self._model, params)
        if not ctx:
            raise UserError(
                f"llama.cpp could not make a context of {n_ctx} tokens for {n_seq} sequences with "
                f"{self.path.name}: not enough memory; ask for fewer variants or shorter ones"
            )
        self._ctx = ctx
        self._ctx_shape = (lib.llama_n_ctx(ctx), n_seq_max, self.kv_unified)
        self._batch = lib.llama_batch_init(lib.llama_n_ctx(ctx), 0, 1)
        self._cached = []
        return ctx

    def _free_context(self) -> None:
        lib = self._lib
        if self._batch is not None:
            lib.llama_batch_free(self._batch)
            self._batch = None
        if self._ctx:
            lib.llama_free(self._ctx)
            self._ctx = None
        self._ctx_shape = (0, 0, False)
        self._cached = []

    def clear_cache(self) -> None:
        """Forget the cached prompt prefix: the next request decodes its prompt from scratch."""
        with self._lock:
            if self._ctx:
                self._lib.llama_memory_clear(self._lib.llama_get_memory(self._ctx), True)
            self._cached = []

    @property
    def cached_prefix_tokens(self) -> int:
        """How many prompt tokens the KV cache holds for the next request to reuse."""
        return len(self._cached)

    def _sampler(self, preset: SamplerPreset, seed: int, bias: Sequence[tuple[int, float]] = ()):  # noqa: ANN202
        lib = self._lib
        cparams = lib.llama_sampler_chain_default_params()
        cparams.no_perf = True
        chain = lib.llama_sampler_chain_init(cparams)
        add = lib.llama_sampler_chain_add
        if bias:
            arr = (lib.llama_logit_bias * len(bias))(*(lib.llama_logit_bias(t, b) for t, b in bias))
            add(chain, lib.llama_sampler_init_logit_bias(self.n_vocab, len(bias), arr))
        if preset.repeat_penalty != 1.0:
            add(chain, lib.llama_sampler_init_penalties(self.n_vocab, preset.repeat_last_n, preset.repeat_penalty, 0.0, 0.0))
        if preset.dry_multiplier > 0:
            add(chain, lib.llama_sampler_clone(self._dry_prototype(preset)))
        if preset.top_n_sigma is not None:
            add(chain, lib.llama_sampler_init_top_n_sigma(preset.top_n_sigma))
        if preset.top_k > 0:
            add(chain, lib.llama_sampler_init_top_k(preset.top_k))
        if preset.typical_p < 1.0:
            add(chain, lib.llama_sampler_init_typical(preset.typical_p, 1))
        if preset.top_p < 1.0:
            add(chain, lib.llama_sampler_init_top_p(preset.top_p, 1))
        if preset.min_p > 0:
            add(chain, lib.llama_sampler_init_min_p(preset.min_p, 1))
        if preset.xtc_probability > 0:
            add(chain, lib.llama_sampler_init_xtc(preset.xtc_probability, preset.xtc_threshold, 1, seed))
        add(chain, lib.llama_sampler_init_temp(preset.temperature))
        if preset.mirostat_tau is not None:
            add(chain, lib.llama_sampler_init_mirostat_v2(seed, preset.mirostat_tau, preset.mirostat_eta))
        else:
            add(chain, lib.llama_sampler_init_dist(seed))
        return chain

    def _run(
        self,
        token_lists: list[list[int]],
        seeds: Sequence[int],
        preset: SamplerPreset,
        max_tokens: Sequence[int],
        cancel: threading.Event | None,
        distinct_openings: bool,
        stop_at_paragraph_end: bool,
        ban_eog: bool,
    ) -> Iterator[Event]:
        lib = self._lib
        n = len(token_lists)
        start = time.perf_counter()
        prefix = _common_prefix(token_lists)
        prefix = min(prefix, min(len(t) for t in token_lists) - 1)  # every sequence keeps a tail of >= 1 token
        lengths = [len(t) + m for t, m in zip(token_lists, max_tokens)]
        if max(lengths) > self.n_ctx_train:
            raise UserError(
                f"the prompt and budget ({max(lengths)} tokens) exceed what {self.path.name} can read "
                f"({self.n_ctx_train} tokens); use a shorter paragraph or fewer tokens"
            )
        per_seq = _round_up(max(lengths) + 1, _CTX_ROUND)
        total = _round_up(prefix + sum(lengths) - prefix * n + n, _CTX_ROUND)
        ctx = self._context(n, per_seq, total)
        mem = lib.llama_get_memory(ctx)
        home = self._ctx_shape[1] - 1
        batch = self._batch
        tok, pos, nseq, seq, logits = batch.token, batch.pos, batch.n_seq_id, batch.seq_id, batch.logits
        chains: list[object] = [None] * n
        eog_bans = [(t, NEG_INF) for t in self.eog_tokens]

        def decode(count: int) -> None:
            batch.n_tokens = count
            rc = lib.llama_decode(ctx, batch)
            if rc != 0:
                raise UserError(
                    f"llama.cpp failed to decode (code {rc}) with {self.path.name}; "
                    "try fewer variants or shorter ones"
                )

        try:
            for s in range(n):  # left over only if an earlier run died half-way
                lib.llama_memory_seq_rm(mem, s, -1, -1)
            # 1. the shared prefix on the home sequence, unless the cache holds exactly it.
            #    Only an exact match is reused: llama.cpp's numbers depend on how a prompt
            #    is cut into batches (flash attention, f16 KV), so a prefix decoded in two
            #    pieces would give other logits, and other text, than a cold run.
            shared = token_lists[0][:prefix]
            keep = prefix if self.reuse_prefix and self._cached == shared else 0
            self._cached = []
            lib.llama_memory_seq_rm(mem, home, keep, -1)
            if prefix > keep:
                for j in range(prefix - keep):
                    tok[j] = shared[keep + j]
                    pos[j] = keep + j
                    nseq[j] = 1
                    seq[j][0] = home
                    logits[j] = 0
                decode(prefix - keep)
            if self.reuse_prefix:
                self._cached = shared
            # 2. every sequence starts from a copy of it, then all tails go in one batch,
            #    with logits at each tail's last token
            for s in range(n):
                lib.llama_memory_seq_cp(mem, home, s, -1, -1)
            out_idx = [0] * n
            j = 0
            for s, tokens in enumerate(token_lists):
                for k in range(prefix, len(tokens)):
                    tok[j] = tokens[k]
                    pos[j] = k
                    nseq[j] = 1
                    seq[j][0] = s
                    logits[j] = 0
                    j += 1
                logits[j - 1] = 1
                out_idx[s] = j - 1
            decode(j)
            n_past = [len(t) for t in token_lists]
            # 3. one token for every live sequence per step
            decoders = [codecs.getincrementaldecoder("utf-8")(errors="replace") for _ in range(n)]
            texts = [""] * n
            counts = [0] * n
            live = list(range(n))
            first_tokens: list[int] = []
            sample = lib.llama_sampler_sample
            is_eog = frozenset(self.eog_tokens).__contains__
            piece_of = self._piece
            paragraph_end = prompts.paragraph_end
            cancelled = self._cancelled.is_set
            user_cancelled = cancel.is_set if cancel is not None else (lambda: False)
            for s in range(n):
                chains[s] = self._sampler(preset, seeds[s], eog_bans if ban_eog else ())
            first = True
            while live:
                still: list[int] = []
                for s in live:
                    if cancelled() or user_cancelled():
                        for r in live:
                            if chains[r] is not None:
                                yield self._done(r, texts, decoders, counts, FINISH_CANCELLED, start)
                                lib.llama_memory_seq_rm(mem, r, -1, -1)
                        live = []
                        still = []
                        break
                    if first:
                        bans = list(eog_bans)
                        if distinct_openings:
                            bans.extend((t, NEG_INF) for t in first_tokens)
                        head = self._sampler_head(bans)
                        lib.llama_sampler_chain_add(head, chains[s])
                        token = sample(head, ctx, out_idx[s])
                        lib.llama_sampler_chain_remove(head, 1)  # give the sequence its chain back
                        lib.llama_sampler_free(head)
                        first_tokens.append(token)
                    else:
                        token = sample(chains[s], ctx, out_idx[s])
                    reason = None
                    if is_eog(token):
                        reason = FINISH_STOP
                    else:
                        counts[s] += 1
                        before = texts[s]
                        piece = decoders[s].decode(piece_of(token))
                        if piece:
                            text = before + piece
                            # a paragraph can only end where the new piece brings a line break
                            end = paragraph_end(text) if stop_at_paragraph_end and "\n" in piece else None
                            if end is not None:
                                text, reason = text[:end], FINISH_STOP
                            texts[s] = text
                            if len(text) > len(before):
                                yield TextPiece(s, text[len(before):])
                        if reason is None and counts[s] >= max_tokens[s]:
                            reason = FINISH_LENGTH
                    if reason is not None:
                        yield self._done(s, texts, decoders, counts, reason, start)
                        lib.llama_memory_seq_rm(mem, s, -1, -1)
                        lib.llama_sampler_free(chains[s])
                        chains[s] = None
                        continue
                    i = len(still)
                    still.append(s)
                    out_idx[s] = i
                    tok[i] = token
                    pos[i] = n_past[s]
                    seq[i][0] = s
                    nseq[i] = 1
                    logits[i] = 1
                    n_past[s] += 1
                first = False
                live = still
                if live:
                    decode(len(live))
        finally:
            for s, c in enumerate(chains):
                if c is not None:
                    lib.llama_sampler_free(c)
                    lib.llama_memory_seq_rm(mem, s, -1, -1)  # the consumer stopped early or decoding failed

    def _dry_prototype(self, preset: SamplerPreset):  # noqa: ANN202
        """A DRY sampler to clone: making one scans the vocabulary (~8 ms), cloning it does not."""
        key = (preset.dry_multiplier, preset.dry_base, preset.dry_allowed_length, preset.dry_penalty_last_n)
        proto = self._dry_prototypes.get(key)
        if proto is None:
            proto = self._lib.llama_sampler_init_dry(
                self._vocab, *key, self._dry_breakers, len(DRY_SEQUENCE_BREAKERS)
            )
            self._dry_prototypes[key] = proto
        return proto

    def _sampler_head(self, bias: Sequence[tuple[int, float]]):  # noqa: ANN202
        lib = self._lib
        cparams = lib.llama_sampler_chain_default_params()
        cparams.no_perf = True
        head = lib.llama_sampler_chain_init(cparams)
        if bias:
            arr = (lib.llama_logit_bias * len(bias))(*(lib.llama_logit_bias(t, b) for t, b in bias))
            lib.llama_sampler_chain_add(head, lib.llama_sampler_init_logit_bias(self.n_vocab, len(bias), arr))
        return head

    def _done(self, s: int, texts: list[str], decoders: list, counts: list[int], reason: str, start: float) -> SequenceDone:
        texts[s] += decoders[s].decode(b"", final=True)
        return SequenceDone(s, prompts.clean(texts[s]), counts[s], reason, time.perf_counter() - start)


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def _common_prefix(token_lists: list[list[int]]) -> int:
    first = token_lists[0]
    n = min(len(t) for t in token_lists)
    for i in range(n):
        t = first[i]
        if any(other[i] != t for other in token_lists[1:]):
            return i
    return n
