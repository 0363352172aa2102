"""Which model the writer's preferences load, said the way the Models page lists it.

The app hands the generator factory a server URL, a GGUF path, or nothing
(``app.model_spec``); nothing means ``model_files.resolve_model``'s choice:
``CARDWRITER_MODEL``, the default chosen with Use (``model_config``), the
packaged SmolLM2, or the first file in the models folder. This reads the same
preferences the same way, without loading anything, so the page can list the
model in use and mark it, even when it is no catalog entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cardwriter.errors import UserError
from cardwriter.generation import model_config
from cardwriter.generation.model_files import ENV_MODEL, packaged_model, resolve_model
from cardwriter.gui.common.app_settings import MODEL_FILE, MODEL_SERVER, Preferences


@dataclass(frozen=True)
class ModelInUse:
    name: str  # what the list shows: the file's name without ".gguf", or the server's URL
    origin: str  # where the choice comes from: "packaged default", "chosen in Settings", "server", ...
    where: str = ""  # the whole path or URL, for the tooltip
    path: Path | None = None  # the file, when the model is one
    size: str = ""  # "86 MB", "4.1 GB"; "" for a server, "missing" for a file that is not there


def size_text(size: int) -> str:
    """A file size as the list shows it: whole MB below a GB, else GB to one decimal."""
    return f"{size / 1024**2:,.0f} MB" if size < 1024**3 else f"{size / 1024**3:.1f} GB"


def model_in_use(prefs: Preferences) -> ModelInUse:
    """The model ``prefs`` load: a server, a chosen file, or the default's file (None found: says so)."""
    if prefs.model_source == MODEL_SERVER and prefs.server_url:
        return ModelInUse(prefs.server_url, "server", prefs.server_url)
    if prefs.model_source == MODEL_FILE and prefs.model_path:
        try:
            path = resolve_model(prefs.model_path)
        except UserError:
            path = Path(prefs.model_path).expanduser()
        return _file(path, "chosen in Settings")
    try:
        path = resolve_model(None)
    except UserError:
        return ModelInUse("No model found", "packaged default", size="missing")
    return _file(path, _default_origin(path))


def _default_origin(path: Path) -> str:
    if os.environ.get(ENV_MODEL):
        return ENV_MODEL
    if model_config.default_model() is not None:
        return "chosen with Use"
    packaged = packaged_model()
    return "packaged default" if packaged is not None and _same(path, packaged) else "models folder"


def _file(path: Path, origin: str) -> ModelInUse:
    name = path.name[: -len(".gguf")] if path.name.lower().endswith(".gguf") else path.name
    size = size_text(path.stat().st_size) if path.is_file() else "missing"
    return ModelInUse(name, origin, str(path), path, size)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def is_file_in_use(in_use: ModelInUse, path: Path) -> bool:
    """Whether ``path`` (a catalog model's file) is the model in use."""
    return in_use.path is not None and _same(in_use.path, path)
