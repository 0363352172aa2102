"""``LoadedModel``: a GGUF file checked, probed and loaded by llama.cpp, with its vocabulary.

The file is checked before llama.cpp sees it (magic bytes, header, memory:
``model_files.check_model_file``), and every file llama.cpp loads here was
loaded and decoded in a child process first (``model_probe``, or
``weights_copy`` for the packaged model's Q8_0 copy), where an abort is a
message rather than a crash. Text becomes tokens and tokens bytes through the
model's vocabulary. ``LlamaEngine`` builds its decoding on top of this.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from types import ModuleType

from cardwriter.errors import UserError
from cardwriter.generation.chat_template import ChatTemplate
from cardwriter.generation.gpu import backend_label
from cardwriter.generation.llama import weights_copy
from cardwriter.generation.llama.backend import Backend, ModelPointer
from cardwriter.generation.llama.model_params import default_model_params
from cardwriter.generation.model_files import check_model_file, packaged_model, resolve_model


def _probe(path: os.PathLike[str]) -> None:
    """``model_probe.probe_model`` (imported late: model_probe imports this package's model parameters)."""
    from cardwriter.generation.model_probe import probe_model

    probe_model(Path(path))


class LoadedModel:
    """A local GGUF model loaded by llama.cpp: its metadata, chat template and vocabulary.

    ``fast_weights`` True runs the packaged default model, on the CPU, from its
    Q8_0 copy (``weights_copy``: the same weights, faster batched); ``weights``
    is the file llama.cpp loaded.
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        gpu_layers: int = 0,
        fast_weights: bool = True,
        verbose: bool = False,
    ) -> None:
        self.path = resolve_model(model)
        header = check_model_file(self.path)  # magic bytes, header, memory: before llama.cpp sees the file
        template_source = header.get_str("tokenizer.chat_template")
        self.template = ChatTemplate(template_source, str(self.path)) if template_source else None
        self.model_name = self.path.stem
        self.gpu_layers = gpu_layers
        self.backend = backend_label(gpu_layers)  # "CPU" or "GPU", for the status bar
        self._lib = lib = Backend.ensure(verbose)
        params = default_model_params(lib)  # without llama.cpp's crashing AMX buffers
        params.n_gpu_layers = gpu_layers  # -1: all; a CPU build offloads none whatever it is asked
        # every file loaded here was loaded (and decoded with) in a child process first, where
        # an abort is a message: the copy by weights_copy (recorded beside it), others by model_probe
        self.weights = self.path
        if fast_weights and gpu_layers == 0 and self.path == packaged_model():
            self.weights = weights_copy.q8_0_copy(self.path, lib)
        if self.weights == self.path:
            _probe(self.path)
        self._model = lib.llama_model_load_from_file(str(self.weights).encode(), params)
        if not self._model and self.weights != self.path:  # a damaged copy: drop it, use the original
            weights_copy.discard(self.weights)
            self.weights = self.path
            _probe(self.path)
            self._model = lib.llama_model_load_from_file(str(self.path).encode(), params)
        if not self._model:
            raise UserError(
                f"llama.cpp could not load model file {self.path}: it is damaged, incomplete, or of an "
                "architecture this version does not support; download it again or pick another model"
            )
        self._vocab = lib.llama_model_get_vocab(self._model)
        self.n_vocab: int = lib.llama_vocab_n_tokens(self._vocab)
        self.n_ctx_train: int = lib.llama_model_n_ctx_train(self._model)
        self.n_params: int = int(lib.llama_model_n_params(self._model))  # presets.preset_for chooses by it
        self.eog_tokens = tuple(t for t in range(self.n_vocab) if lib.llama_vocab_is_eog(self._vocab, t))
        self._bos = self._special_piece(lib.llama_vocab_bos(self._vocab))
        self._eos = self._special_piece(lib.llama_vocab_eos(self._vocab))
        self._piece_buf = ctypes.create_string_buffer(256)
        self._pieces: dict[int, bytes] = {}

    def _free_model(self) -> None:
        if self._model:
            self._lib.llama_model_free(self._model)
            self._model = None

    def _require_open(self) -> None:
        if not self._model:
            raise RuntimeError(f"the engine for {self.path.name} is closed")

    @property
    def lib(self) -> ModuleType:
        """llama.cpp's low-level bindings, for the engine's own helpers (``blend``, ``scoring``)."""
        return self._lib

    @property
    def model(self) -> ModelPointer:
        """The loaded model, for the engine's own helpers; use it only inside ``exclusive()``."""
        return self._model

    # -- text <-> tokens ----------------------------------------------------

    def tokenize(self, text: str, parse_special: bool = True) -> list[int]:
        self._require_open()
        data = text.encode("utf-8")
        size = len(data) + 16
        buf = (ctypes.c_int32 * size)()
        n = self._lib.llama_tokenize(self._vocab, data, len(data), buf, size, True, parse_special)
        if n < 0:
            size = -n
            buf = (ctypes.c_int32 * size)()
            n = self._lib.llama_tokenize(self._vocab, data, len(data), buf, size, True, parse_special)
        return list(buf[:n])

    def piece(self, token: int) -> bytes:
        """The bytes a token stands for (cached: the step loop asks for every token)."""
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
