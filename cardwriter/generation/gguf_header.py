"""Read a GGUF file's header and metadata in pure Python, before llama.cpp sees it.

A model file is untrusted input. Checking the magic bytes and reading the
metadata ourselves lets us refuse a file that is not GGUF, or whose chat
template is hostile, with a clear message instead of a crash inside C++.
Only scalar and string values are kept; arrays (the vocabulary) are skipped.

Layout (little-endian): ``b"GGUF"``, uint32 version (2 or 3), uint64 tensor
count, uint64 metadata count, then each entry as a string key (uint64 length
+ UTF-8 bytes), a uint32 value type and the value.

``check_hyperparameters`` refuses the model settings llama.cpp does not check
but asserts on, or computes nonsense from, later: a NaN or negative norm
epsilon loads and then aborts the process at the first decode
(``GGML_ASSERT(eps >= 0.0f)``), more than 512 layers or more experts used than
there are abort the load, and a NaN or non-positive rope base gives NaN logits.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cardwriter.errors import UserError

MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)

# value type -> struct format of a scalar
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING = 8
_ARRAY = 9
_MAX_STRING = 64 * 1024 * 1024  # a longer "string" means a corrupt file
_MAX_ENTRIES = 1_000_000


class NotGGUF(UserError):
    """The file is not a (readable) GGUF model."""


class ImpossibleSettings(UserError):
    """A GGUF model whose settings llama.cpp would crash on (or compute nothing but NaN with)."""


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    tensor_count: int
    metadata: dict[str, object]

    def get_str(self, key: str) -> str | None:
        value = self.metadata.get(key)
        return value if isinstance(value, str) else None


def has_gguf_magic(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == MAGIC


def read_header(path: Path) -> GGUFHeader:
    """The header and scalar/string metadata of ``path``; ``NotGGUF`` if it is not a sound GGUF."""
    try:
        with open(path, "rb") as f:
            if f.read(4) != MAGIC:
                raise NotGGUF(f"{path} is not a GGUF model file (it does not start with 'GGUF'); pick a .gguf file")
            version, tensor_count, count = struct.unpack("<IQQ", _read(f, 20, path))
            if version not in SUPPORTED_VERSIONS:
                raise NotGGUF(
                    f"{path} is GGUF version {version}, which is not supported; convert it with a recent llama.cpp"
                )
            if count > _MAX_ENTRIES:
                raise NotGGUF(f"{path} claims {count} metadata entries: the file is corrupt")
            metadata: dict[str, object] = {}
            for _ in range(count):
                key = _read_string(f, path)
                (vtype,) = struct.unpack("<I", _read(f, 4, path))
                value = _read_value(f, vtype, path)
                if value is not _SKIPPED:
                    metadata[key] = value
    except OSError as exc:
        raise UserError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    return GGUFHeader(version=version, tensor_count=tensor_count, metadata=metadata)


_SKIPPED = object()


def _read(f: BinaryIO, n: int, path: Path) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise NotGGUF(f"{path} is cut short (its GGUF header ends early): the download or copy is incomplete")
    return data


def _read_string(f: BinaryIO, path: Path) -> str:
    (length,) = struct.unpack("<Q", _read(f, 8, path))
    if length > _MAX_STRING:
        raise NotGGUF(f"{path} has a corrupt GGUF header (a {length}-byte string)")
    return _read(f, length, path).decode("utf-8", errors="replace")


def _read_value(f: BinaryIO, vtype: int, path: Path) -> object:
    if vtype in _SCALARS:
        fmt = _SCALARS[vtype]
        return struct.unpack(fmt, _read(f, struct.calcsize(fmt), path))[0]
    if vtype == _STRING:
        return _read_string(f, path)
    if vtype == _ARRAY:
        etype, n = struct.unpack("<IQ", _read(f, 12, path))
        if etype in _SCALARS:
            size = struct.calcsize(_SCALARS[etype]) * n
            _skip(f, size, path)
        elif etype == _STRING:
            for _ in range(n):
                (length,) = struct.unpack("<Q", _read(f, 8, path))
                if length > _MAX_STRING:
                    raise NotGGUF(f"{path} has a corrupt GGUF header (a {length}-byte string)")
                _skip(f, length, path)
        else:
            raise NotGGUF(f"{path} has a corrupt GGUF header (array of unknown type {etype})")
        return _SKIPPED
    raise NotGGUF(f"{path} has a corrupt GGUF header (unknown value type {vtype})")


def _skip(f: BinaryIO, n: int, path: Path) -> None:
    if n <= 4096:
        _read(f, n, path)
        return
    here = f.tell()
    end = f.seek(0, 2)
    if here + n > end:
        raise NotGGUF(f"{path} is cut short (its GGUF header ends early): the download or copy is incomplete")
    f.seek(here + n)


# -- the model's settings -----------------------------------------------------------

MAX_LAYERS = 512  # llama.cpp's LLAMA_MAX_LAYERS: more aborts the load
# architectures without attention: their converters write a head count of 0
_NO_ATTENTION = frozenset({"mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"})
# counts (under the architecture's prefix) that are at least 1 in any model llama.cpp can run
_AT_LEAST_ONE = frozenset(
    {
        "context_length",
        "embedding_length",
        "block_count",
        "vocab_size",
        "attention.head_count",
        "attention.head_count_kv",
        "attention.key_length",
        "attention.value_length",
    }
)
_HEAD_COUNTS = frozenset({"attention.head_count", "attention.head_count_kv"})
_FREQ_BASES = frozenset({"rope.freq_base", "rope.freq_base_swa"})
# rope scaling: 0 means "none" to llama.cpp (it reads it as a factor of 1), below 0 is nonsense
_SCALES = frozenset({"rope.scale_linear", "rope.scaling.factor"})


def check_hyperparameters(header: GGUFHeader, path: Path) -> None:
    """Raise ``ImpossibleSettings`` for a setting llama.cpp asserts on or turns into NaN; arrays are not read."""
    arch = header.get_str("general.architecture")
    if not arch:
        return  # llama.cpp refuses it with an error of its own
    prefix = arch + "."
    for key, value in header.metadata.items():
        if not key.startswith(prefix) or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        name = key[len(prefix) :]
        if isinstance(value, float) and not math.isfinite(value):
            _refuse(path, key, value, "a finite number")
        if name.endswith("epsilon") and value < 0:
            _refuse(path, key, value, "0 or more")
        if name in _FREQ_BASES and value <= 0:
            _refuse(path, key, value, "more than 0")
        if name in _SCALES and value < 0:
            _refuse(path, key, value, "0 (none) or more")
        if name in _AT_LEAST_ONE and value < 1 and not (value == 0 and name in _HEAD_COUNTS and arch in _NO_ATTENTION):
            _refuse(path, key, value, "at least 1")
        if name == "block_count" and value > MAX_LAYERS:
            _refuse(path, key, value, f"at most {MAX_LAYERS} (llama.cpp's limit)")
    experts = header.metadata.get(prefix + "expert_count", 0)
    used = header.metadata.get(prefix + "expert_used_count", 0)
    if isinstance(used, int) and isinstance(experts, int) and used > max(experts, 0):
        _refuse(path, prefix + "expert_used_count", used, f"at most {prefix}expert_count ({experts})")


def _refuse(path: Path, key: str, value: int | float, wanted: str) -> None:
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    raise ImpossibleSettings(
        f"model file {path} sets {key} to {shown}, where it must be {wanted}: llama.cpp would crash on it "
        "(or compute nothing but NaN); the file is damaged or was converted wrongly; choose another model"
    )
