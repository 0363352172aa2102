"""The blend inside the model: a note's direction in the residual stream, added while rewriting.

The prompt fusion asks the model, in words, to combine a paragraph with a note.
The blend instead asks for a plain rewrite of the paragraph and pushes the
model's hidden states towards the note while it writes: a *control vector*.

How the vector is made. The note, and a neutral text of the same kind (plain
descriptive prose), are each decoded once in a context of their own with
llama.cpp's eval callback watching the residual stream after every layer (the
tensors named ``l_out-<layer>``). Each text's hidden states are averaged over
its tokens (the first one, the BOS "attention sink" with its outsized
activations, left out); the note's mean minus the neutral mean, per layer, is
the note's direction. llama.cpp adds it (times the writer's strength) to the
output of the middle layers during generation (``llama_set_adapter_cvec``),
where a model holds topic and content rather than surface form.

``BlendedGenerator`` wraps an engine as an ordinary text generator whose every
request is steered, so the app's pipeline (filters, selection) runs unchanged.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cardwriter.errors import UserError
from cardwriter.generation.protocol import Event, GenerationRequest

if TYPE_CHECKING:
    from cardwriter.generation.llama.engine import LlamaEngine

NEUTRAL_TEXT = (
    "The building stands at the corner of the street. It has four floors and a flat roof. "
    "The windows are of the usual size, and the door is painted a common colour. People walk "
    "past it in the morning and in the evening. Nothing about it is unusual, and the day is "
    "much like any other day."
)
"""The baseline the note is measured against: prose with no particular topic, image or mood."""

STRENGTHS = (0.5, 1.0, 2.0, 4.0)
"""The strengths the benchmark tries; 0 is no blend at all."""

MAX_CAPTURE_TOKENS = 512
"""A longer note is read on its first MAX_CAPTURE_TOKENS tokens."""

_GGML_TYPE_F32 = 0


def middle_layers(n_layer: int) -> tuple[int, int]:
    """The middle third of the layers (inclusive bounds), never layer 0 (llama.cpp steers from 1)."""
    return max(1, n_layer // 3), max(1, (2 * n_layer) // 3)


@dataclass(frozen=True)
class ControlVector:
    """One direction per layer, ``directions[il]`` added to layer ``il``'s output in ``first..last``."""

    directions: np.ndarray  # (n_layer, n_embd) float32; row 0 is never used (llama.cpp starts at 1)
    first: int
    last: int
    strength: float = 1.0

    def scaled(self, strength: float) -> ControlVector:
        return ControlVector(self.directions, self.first, self.last, strength)

    @property
    def is_null(self) -> bool:
        return self.strength == 0.0

    def buffer(self) -> np.ndarray:
        """llama.cpp's layout: layers 1..n_layer-1, one row of n_embd each, contiguous float32."""
        return np.ascontiguousarray(self.directions[1:] * np.float32(self.strength), dtype=np.float32)


class _LayerWatcher:
    """The eval callback: sums the ``l_out-<il>`` rows of each layer over the decoded tokens."""

    def __init__(self, ggml: ctypes.CDLL, n_layer: int, n_embd: int, skip_first: int) -> None:
        self._ggml = ggml
        self.n_embd = n_embd
        self.skip_first = skip_first
        self.sums = np.zeros((n_layer, n_embd), dtype=np.float64)
        self.counts = np.zeros(n_layer, dtype=np.int64)
        self.error: str | None = None

    def __call__(self, tensor: int, ask: bool, user_data: object) -> bool:
        try:
            name = self._ggml.ggml_get_name(tensor)
            if not name or not name.startswith(b"l_out-"):
                return not ask  # ask: not wanted; after compute: go on
            if ask:
                return True
            self._take(tensor, int(name[len(b"l_out-") :]))
        except Exception as exc:  # an exception must not cross into C
            self.error = f"{type(exc).__name__}: {exc}"
        return True

    def _take(self, tensor: int, layer: int) -> None:
        if ctypes.c_int.from_address(tensor).value != _GGML_TYPE_F32:  # ``type`` is the first field
            self.error = "a layer output that is not float32"
            return
        count = int(self._ggml.ggml_nelements(tensor))
        rows = np.empty(count, dtype=np.float32)
        self._ggml.ggml_backend_tensor_get(tensor, rows.ctypes.data, 0, count * 4)
        rows = rows.reshape(-1, self.n_embd)[self.skip_first :]
        self.sums[layer] += rows.sum(axis=0)
        self.counts[layer] += len(rows)


def _ggml_library(lib: object) -> ctypes.CDLL:
    """libggml-base, next to libllama, with the four functions the watcher calls declared."""
    from llama_cpp import _ggml

    ggml: ctypes.CDLL = _ggml.libggml
    ggml.ggml_get_name.argtypes = [ctypes.c_void_p]
    ggml.ggml_get_name.restype = ctypes.c_char_p
    ggml.ggml_nelements.argtypes = [ctypes.c_void_p]
    ggml.ggml_nelements.restype = ctypes.c_int64
    ggml.ggml_backend_tensor_get.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t]
    ggml.ggml_backend_tensor_get.restype = None
    return ggml


def layer_means(engine: LlamaEngine, text: str) -> np.ndarray:
    """Mean hidden state after each layer over ``text``'s tokens (BOS left out): (n_layer, n_embd)."""
    tokens = engine.tokenize(text)[:MAX_CAPTURE_TOKENS]
    if len(tokens) < 2:
        raise UserError("the note is empty: nothing to blend")
    lib = engine.lib
    n_layer, n_embd = lib.llama_model_n_layer(engine.model), lib.llama_model_n_embd(engine.model)
    watcher = _LayerWatcher(_ggml_library(lib), n_layer, n_embd, skip_first=1)
    callback = lib.ggml_backend_sched_eval_callback(watcher)  # kept alive until the context is freed
    params = lib.llama_context_default_params()
    params.n_ctx = params.n_batch = params.n_ubatch = len(tokens)  # one micro-batch: BOS is row 0
    params.n_seq_max = 1
    params.n_threads = engine.n_threads
    params.n_threads_batch = engine.n_threads_batch
    params.no_perf = True
    params.cb_eval = callback
    params.cb_eval_user_data = None
    with engine.exclusive():
        ctx = lib.llama_init_from_model(engine.model, params)
        if not ctx:
            raise UserError(f"llama.cpp could not make a context to read the note with {engine.path.name}")
        batch = lib.llama_batch_init(len(tokens), 0, 1)
        try:
            for pos, token in enumerate(tokens):
                batch.token[pos], batch.pos[pos], batch.n_seq_id[pos] = token, pos, 1
                batch.seq_id[pos][0] = 0
                batch.logits[pos] = pos == len(tokens) - 1
            batch.n_tokens = len(tokens)
            rc = lib.llama_decode(ctx, batch)
            if rc != 0:
                raise UserError(f"llama.cpp failed to read the note (code {rc}) with {engine.path.name}")
        finally:
            lib.llama_batch_free(batch)
            lib.llama_free(ctx)
    if watcher.error is not None:
        raise RuntimeError(f"reading the layer outputs failed: {watcher.error}")
    first, last = middle_layers(n_layer)
    if (watcher.counts[first : last + 1] == 0).any():
        raise RuntimeError(f"llama.cpp showed no l_out tensors for layers {first}..{last} of {engine.path.name}")
    return (watcher.sums / np.maximum(watcher.counts, 1)[:, None]).astype(np.float32)


def note_direction(engine: LlamaEngine, note: str, neutral: str = NEUTRAL_TEXT) -> ControlVector:
    """The note's mean hidden state minus the neutral text's, on the middle layers, strength 1.

    Each steered layer's addition stays in the residual stream for every later
    layer, so the additions pile up; each layer's difference is divided by the
    number of steered layers, making strength 1 shift the stream by about one
    note-minus-neutral difference in all (the full difference, added at each of the
    10 middle layers of SmolLM2-135M, turned every rewrite into word salad even at 0.5).
    """
    n_layer = engine.lib.llama_model_n_layer(engine.model)
    first, last = middle_layers(n_layer)
    directions = layer_means(engine, note) - layer_means(engine, neutral)
    directions[:first] = 0.0
    directions[last + 1 :] = 0.0
    return ControlVector(directions / np.float32(last - first + 1), first, last)


class BlendedGenerator:
    """An engine whose every request is generated with a control vector applied.

    It is a ``TextGenerator``, so ``StackFiller`` fills a stack with it as with the
    engine itself; the engine's other requests stay unsteered.
    """

    def __init__(self, engine: LlamaEngine, control: ControlVector) -> None:
        self.engine = engine
        self.control = control

    @classmethod
    def for_note(cls, engine: LlamaEngine, note: str, strength: float) -> BlendedGenerator:
        if strength < 0:
            raise UserError(f"the blend strength must be 0 or more, not {strength}")
        return cls(engine, note_direction(engine, note).scaled(strength))

    @property
    def model_name(self) -> str:
        return self.engine.model_name

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator[Event]:
        return self.engine.stream(request, cancel, control=self.control)

    def score(self, texts: list[str]) -> list[float]:
        """Fluency under the unsteered model: the blend must still read as English to it."""
        return self.engine.score(texts)
