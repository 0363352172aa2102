"""Reading the writer's text files carefully and writing exports safely.

Reading refuses, with a message naming the file, anything that is not
reasonable text: a folder, a binary file, invalid UTF-8 (saying where), an
empty file, or one over the size limit. Writing is ``cardwriter.safe_write``'s,
the one way the app writes a file; its names are re-exported here for the
callers that import them from this module.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cardwriter.errors import ImportRefused
from cardwriter.safe_write import refuse_database_target, write_bytes_atomically, write_text_atomically
from cardwriter.services.text_decoding import DecodedText, decode_text

__all__ = [
    "MAX_IMPORT_BYTES",
    "TEXT_SUFFIXES",
    "read_file_bytes",
    "read_text",
    "read_text_file",
    "refuse_database_target",
    "text_files_in",
    "write_bytes_atomically",
    "write_text_atomically",
]

MAX_IMPORT_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text")


def read_text_file(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> str:
    """The text of ``path``: UTF-8 exactly (a byte order mark is kept), or UTF-16/32 with a mark."""
    return read_text(path, max_bytes).text


def read_text(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> DecodedText:
    """The text of ``path`` and the encoding it was in; refuses what is not a readable text file."""
    return decode_text(read_file_bytes(path, max_bytes), Path(path))


def read_file_bytes(path: Path, max_bytes: int = MAX_IMPORT_BYTES, wanted: str = "a Markdown or text file") -> bytes:
    """The bytes of ``path``, refusing what is not a regular, non-empty file within the size limit.

    Only regular files are read: a named pipe, device or socket could block
    forever or never end, so it is refused from ``os.stat`` before it is
    opened, and the file is opened non-blocking and checked again (it may
    have been swapped meanwhile). The size limit holds while reading, not
    only from the size the file claims. ``wanted`` names the kind of file
    the messages ask for.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise ImportRefused(f"{path} does not exist") from exc
    except OSError as exc:
        raise ImportRefused(f"cannot read {path}: {exc.strerror}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise ImportRefused(f"{path} is a folder; give {wanted}")
    _refuse_special(path, info.st_mode, wanted)
    _refuse_too_big(path, info.st_size, max_bytes)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            _refuse_special(path, os.fstat(fd).st_mode, wanted)
            data = _read_at_most(fd, max_bytes + 1)
        finally:
            os.close(fd)
    except PermissionError as exc:
        raise ImportRefused(f"cannot read {path}: permission denied") from exc
    except OSError as exc:
        raise ImportRefused(f"cannot read {path}: {exc.strerror}") from exc
    _refuse_too_big(path, len(data), max_bytes)
    if not data.strip():
        raise ImportRefused(f"{path} is empty; there is nothing to import")
    return data


def _refuse_special(path: Path, mode: int, wanted: str) -> None:
    if not stat.S_ISREG(mode):
        kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise ImportRefused(f"{path} is {kind}, not a file; give {wanted}")


def _refuse_too_big(path: Path, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        shown = "more than " if size == max_bytes + 1 else ""
        raise ImportRefused(
            f"{path} is too big to import ({shown}{size / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes / 1024 / 1024:.0f} MB). Split it into smaller files"
        )


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def text_files_in(folder: Path) -> list[Path]:
    """Markdown and text files under ``folder``, in a stable order, hidden ones skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(TEXT_SUFFIXES):
                found.append(Path(root) / name)
    return found
