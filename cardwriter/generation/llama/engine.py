"""``LlamaEngine``: a local GGUF model with batched, streaming, cancellable multi-variant generation.

llama-cpp-python's high-level ``create_completion`` runs one sequence at a
time with the older samplers. This engine drives llama.cpp's low-level API
instead: the N prompts' shared prefix is decoded once, and every step decodes
one token of every live sequence in a single ``llama_decode`` (see ``run``).
Each sequence samples with its own chain and seed (see ``samplers``). Loading
the model file and its vocabulary is ``loaded_model``'s; close rewrites run as
``close_run`` with the word rules of ``close_words``.

The prefix stays in the KV cache after a request: the next request with
exactly the same prefix (the GUI asking about the same card again) skips
decoding it. Only an exact match is reused, never part of a prefix, so the
same seed gives the same text whatever was asked before.

One request runs at a time; a newer request, from any thread, takes the
context over from an older one that is still open (its sequences end
``cancelled``). ``cancel()`` may be called from any thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from cardwriter.domain.likelihood import TextLikelihood
from cardwriter.domain.model import VariantKind
from cardwriter.errors import UserError
from cardwriter.generation import prompts
from cardwriter.generation.llama import close_words
from cardwriter.generation.llama.blend import ControlVector
from cardwriter.generation.llama.close_places import CloseSettings
from cardwriter.generation.llama.close_run import CloseRun
from cardwriter.generation.llama.context import DecodingContext
from cardwriter.generation.llama.loaded_model import LoadedModel
from cardwriter.generation.llama.run import BatchRun
from cardwriter.generation.llama.samplers import SamplerFactory
from cardwriter.generation.llama.scoring import ScoringContext, likelihood_texts, score_texts
from cardwriter.generation.presets import SamplerPreset, get_preset
from cardwriter.generation.protocol import EarlyStop, Event, GenerationRequest
from cardwriter.generation.setting_ranges import THREADS, cpu_cores

# llama.cpp's flash-attention setting: None lets llama.cpp decide (LLAMA_FLASH_ATTN_TYPE_AUTO)
_FLASH_ATTN = {None: -1, False: 0, True: 1}


class LlamaEngine(LoadedModel):
    """A local GGUF model with batched, streaming, cancellable multi-variant generation.

    ``kv_unified`` True (the default) keeps every sequence in one KV stream;
    False gives each its own. With own streams a step slows down threefold once
    the live sequences sit in slots with gaps between them (8 of 16 left in
    every other slot: 134 ms a step against 43 ms for 8 side by side), as
    they do whenever a batch drains; one stream took 42 ms either way, and
    58-64 ms against 65-70 ms with all 16 (``benchmarks/kv_gaps.py``).
    ``flash_attn`` False (the default) turns flash attention off, None lets llama.cpp
    decide (it turns it on for the CPU), True forces it on. Off measured 20-30% more
    tokens per CPU second with the default model on the CPU at N = 4 and 8
    (``benchmarks/engine_ab.py settings``).
    ``reuse_prefix`` True (the default) keeps the last request's shared prompt
    prefix in the KV cache for the next request with the same prefix.
    ``n_threads_batch`` (default ``n_threads``) is for prompt decoding.
    ``fast_weights`` True (the default) runs the packaged default model, on the
    CPU, from its Q8_0 copy (``weights_copy``: the same weights, faster batched);
    ``weights`` is the file llama.cpp loaded.
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        n_threads: int | None = None,
        n_threads_batch: int | None = None,
        kv_unified: bool = True,
        flash_attn: bool | None = False,
        reuse_prefix: bool = True,
        gpu_layers: int = 0,
        fast_weights: bool = True,
        verbose: bool = False,
    ) -> None:
        # llama.cpp crashes or hangs on a thread count far above the cores there are
        n_threads = THREADS.check(n_threads, "CPU threads") if n_threads is not None else min(cpu_cores(), 8)
        if n_threads_batch is not None:
            THREADS.check(n_threads_batch, "CPU threads for prompts")
        super().__init__(model, gpu_layers=gpu_layers, fast_weights=fast_weights, verbose=verbose)
        self.n_threads = n_threads
        self.n_threads_batch = n_threads_batch or self.n_threads
        self.kv_unified = kv_unified
        self.flash_attn = flash_attn
        self.reuse_prefix = reuse_prefix
        self.samplers = SamplerFactory(self._lib, self._vocab, self.n_vocab, self.eog_tokens)
        self.context: DecodingContext | None = None  # made by the first request, kept while big enough
        self._scoring: ScoringContext | None = None  # made by the first ``score``, kept until ``close``
        # guards every llama.cpp call on the context; never held while an event is with a consumer
        self._lock = threading.RLock()
        self._owner: BatchRun | CloseRun | None = None  # the run that may use the context now
        self._plain: np.ndarray | None = None  # made by the first close rewrite
        self._cancelled = threading.Event()

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        """Free the model and context; a run still open ends its sequences ``cancelled``."""
        with self._lock:
            self._evict_owner()
            self._free_context()
            if self._scoring is not None:
                self._scoring.free()
                self._scoring = None
            self.samplers.close()
            self._free_model()

    def __enter__(self) -> LlamaEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cancel(self) -> None:
        """Stop the generation in progress within one token (callable from any thread)."""
        self._cancelled.set()

    # -- scoring ------------------------------------------------------------

    def score(self, texts: Sequence[str]) -> list[float]:
        """Mean token log-probability of each text under this model, batched (see ``scoring``)."""
        return score_texts(self, texts)

    def likelihoods(self, texts: Sequence[str]) -> list[TextLikelihood]:
        """``score`` with the shares of tokens that were the model's top 1 and top 10, from the same one decode."""
        return likelihood_texts(self, texts)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the engine alone (nothing generates or scores meanwhile); a closed engine is refused."""
        with self._lock:
            self._require_open()
            yield

    def scoring_context(self) -> ScoringContext:
        """The context ``score`` decodes in, made on first use (the caller holds the engine's lock)."""
        self._require_open()
        if self._scoring is None:
            self._scoring = ScoringContext(
                self._lib,
                self._model,
                self.n_vocab,
                name=self.path.name,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads_batch,
            )
        return self._scoring

    # -- prompts --------------------------------------------------------------

    def render(self, plan: prompts.SequencePlan) -> str:
        """The prompt text of one sequence: the chat template, or the plain completion prompt."""
        if self.template is None:
            return plan.completion_prompt
        return self.template.render(plan.messages, bos_token=self._bos, eos_token=self._eos)

    def stream(
        self, request: GenerationRequest, cancel: threading.Event | None = None, control: ControlVector | None = None
    ) -> Iterator[Event]:
        if request.close and request.kind in (VariantKind.REWRITE, VariantKind.RESTYLE) and request.source.strip():
            yield from self.stream_close(request, cancel)
            return
        # the refills' prompts too: sequence i of ``total`` has the seed and angle plan(i) gives it
        plans = prompts.plan(dataclasses.replace(request, n=request.total) if request.refills else request)
        yield from self.stream_prompts(
            [self.render(p) for p in plans],
            seeds=[p.seed for p in plans],
            preset=get_preset(request.preset),
            max_tokens=[p.max_tokens for p in plans],
            cancel=cancel,
            distinct_openings=request.distinct_openings,
            width=request.n,
            early_stop=request.early_stop,
            want_refill=request.want_refill,
            ramp_start=request.ramp_start,
            ramp_every=request.ramp_every,
            ramp_hold=request.ramp_hold,
            hold_while=request.hold_while,
            control=control,
        )

    def stream_close(
        self, request: GenerationRequest, cancel: threading.Event | None = None, settings: CloseSettings | None = None
    ) -> Iterator[Event]:
        """Close rewrites of the request's paragraph, one per sequence (``close_run``); no refills, no ramp."""
        plans = prompts.plan(request)
        source = self.tokenize(request.source.strip(), parse_special=False)
        if source and source[0] == self._lib.llama_vocab_bos(self._vocab):
            source = source[1:]
        pieces = [self.piece(t).decode("utf-8", errors="replace") for t in source]
        user_cancel = cancel.is_set if cancel is not None else (lambda: False)
        run = CloseRun(
            self._lib,
            [self.tokenize(self.render(p)) for p in plans],
            source=source,
            seeds=[p.seed for p in plans],
            n_vocab=self.n_vocab,
            piece=self.piece,
            allowed_new=self._plain_tokens(),
            editable=close_words.editable(pieces),
            # what the model's words may never replace: names, numbers, pronouns, negations, quotation marks
            protected=close_words.protected(pieces),
            lock=self._lock,
            stop_requested=lambda: self._cancelled.is_set() or user_cancel(),
            settings=settings or CloseSettings(),
            eog=self.eog_tokens,  # no early stop: every close rewrite opens as the paragraph does
            ramp_start=request.ramp_start,
            ramp_hold=request.ramp_hold,
        )
        yield from self._drive(run, None)

    def _plain_tokens(self) -> np.ndarray:
        """Per vocabulary token: whether a close rewrite may write it at a place (``close_words.plain_tokens``).

        Made once per engine (a pass over the vocabulary).
        """
        if self._plain is None:
            self._plain = close_words.plain_tokens(
                [self.piece(t).decode("utf-8", errors="replace") for t in range(self.n_vocab)]
            )
        return self._plain

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
        width: int | None = None,
        early_stop: EarlyStop | None = None,
        want_refill: Callable[[], bool] | None = None,
        ramp_start: int = 0,
        ramp_every: int = 1,
        ramp_hold: int = 0,
        hold_while: Callable[[], bool] | None = None,
        control: ControlVector | None = None,
    ) -> Iterator[Event]:
        """Generate one sequence per prompt text, all in one batch per step.

        ``ban_eog`` forbids ending early (every sequence runs to its budget: for benchmarks).
        ``width`` (default: all) sequences run at once; each later prompt takes the
        slot of one that ended, while ``want_refill()`` (default: always) says so.
        ``early_stop(index, text)`` True ends a sequence at once (``FINISH_EARLY``).
        ``ramp_start`` (0: all ``width``) sequences start; after ``ramp_hold`` steps one more
        joins every ``ramp_every`` steps; the hold ends sooner when the first sequence
        finishes or, if ``hold_while`` is given, instead when it says False.
        ``control`` steers the run with a control vector (see ``blend``); None runs unsteered.

        The generator owns the context from its first event until it ends, is
        closed (or garbage-collected), or a newer request takes the context
        over; it never holds the engine's lock while an event is out, so a
        consumer that stops iterating blocks nobody.
        """
        if not (len(texts) == len(seeds) == len(max_tokens)) or not texts:
            raise ValueError("texts, seeds and max_tokens must be non-empty and of equal length")
        user_cancel = cancel.is_set if cancel is not None else (lambda: False)
        run = BatchRun(
            [self.tokenize(t) for t in texts],
            seeds=seeds,
            max_tokens=max_tokens,
            preset=preset,
            samplers=self.samplers,
            piece=self.piece,
            lock=self._lock,
            stop_requested=lambda: self._cancelled.is_set() or user_cancel(),
            distinct_openings=distinct_openings,
            stop_at_paragraph_end=stop_at_paragraph_end,
            ban_eog=ban_eog,
            width=width,
            early_stop=early_stop,
            want_refill=want_refill,
            ramp_start=ramp_start,
            ramp_every=ramp_every,
            ramp_hold=ramp_hold,
            hold_while=hold_while,
        )
        yield from self._drive(run, control)

    def _drive(self, run: BatchRun | CloseRun, control: ControlVector | None) -> Iterator[Event]:
        """Run ``run`` on the context: it owns the context until it ends, is closed, or is evicted."""
        if run.longest > self.n_ctx_train:
            raise UserError(
                f"the prompt and budget ({run.longest} tokens) exceed what {self.path.name} can read "
                f"({self.n_ctx_train} tokens); use a shorter paragraph or fewer tokens"
            )
        with self.exclusive():
            started = time.perf_counter()
            self._evict_owner()
            self._cancelled.clear()
            context = self._context_for(run)
            context.steer(control)
            run.start(context, self.reuse_prefix, started)
            self._owner = run
        try:
            yield from run.events()
        finally:  # also when the consumer closes the generator or drops it
            with self._lock:
                run.release()
                if self._owner is run:
                    self._owner = None

    def _evict_owner(self) -> None:
        if self._owner is not None:
            self._owner.evict()
            self._owner = None

    # -- the context ------------------------------------------------------------

    def _context_for(self, run: BatchRun | CloseRun) -> DecodingContext:
        """A context for the run's sequences plus the home sequence of the cached prefix.

        Non-unified: every sequence has its own KV stream of ``per_seq`` cells.
        Unified: one stream of ``total`` cells shared by all. An existing context
        that is big enough is kept, and with it the prefix cached on its home
        sequence.
        """
        outputs = getattr(run, "n_outputs", 0)  # a close rewrite asks two rows a sequence
        if self.context is not None and self.context.fits(run.n_seq, run.per_seq, run.total, self.kv_unified, outputs):
            return self.context
        self._free_context()
        n_seq_max = run.n_seq + 1
        self.context = DecodingContext(
            self._lib,
            self._model,
            self.path,
            n_ctx=run.total if self.kv_unified else run.per_seq * n_seq_max,
            n_seq_max=n_seq_max,
            unified=self.kv_unified,
            n_threads=self.n_threads,
            n_threads_batch=self.n_threads_batch,
            flash_attn=_FLASH_ATTN[self.flash_attn],
            n_outputs=max(outputs, n_seq_max),
        )
        return self.context

    def _free_context(self) -> None:
        if self.context is not None:
            self.context.free()
            self.context = None

    def clear_cache(self) -> None:
        """Forget the cached prompt prefix: the next request decodes its prompt from scratch."""
        with self._lock:
            if self.context is not None:
                self.context.forget_prefix()

    @property
    def cached_prefix_tokens(self) -> int:
        """How many prompt tokens the KV cache holds for the next request to reuse."""
        return len(self.context.cached) if self.context is not None else 0
