"""Read a GGUF file's header and metadata in pure Python, before llama.cpp sees it.

A model file is untrusted input. Checking the magic bytes and reading the
metadata ourselves lets us refuse a file that is not GGUF, or whose chat
template is hostile, with a clear message instead of a crash inside C++.
Only scalar and string values are kept; arrays (the vocabulary) are skipped.

Layout (little-endian): ``b"GGUF"``, uint32 version (2 or 3), uint64 tensor
count, uint64 metadata count, then each entry as a string key (uint64 length
+ UTF-8 bytes), a uint32 value type and the value.
"""

from __future__ import annotations

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
