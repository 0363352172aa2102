"""Reading the writer's text files carefully and writing exports safely.

Reading refuses, with a message naming the file, anything that is not
reasonable text: a folder, a binary file, invalid UTF-8 (saying where), an
empty file, or one over the size limit. Writing goes to a temporary file in
the same folder that then replaces the target, so a failed export never
leaves a half-written file where the user's was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cardwriter.errors import ImportRefused, UserError

MAX_IMPORT_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text")


def read_text_file(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> str:
    """The text of ``path`` decoded as UTF-8, exactly (a byte order mark is kept)."""
    path = Path(path)
    if not path.exists():
        raise ImportRefused(f"{path} does not exist")
    if path.is_dir():
        raise ImportRefused(f"{path} is a folder; give a Markdown or text file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportRefused(
                f"{path} is too big to import ({size / 1024 / 1024:.1f} MB; the limit is "
                f"{max_bytes / 1024 / 1024:.0f} MB). Split it into smaller files"
            )
        data = path.read_bytes()
    except PermissionError as exc:
        raise ImportRefused(f"cannot read {path}: permission denied") from exc
    except OSError as exc:
        raise ImportRefused(f"cannot read {path}: {exc.strerror}") from exc
    if not data.strip():
        raise ImportRefused(f"{path} is empty; there is nothing to import")
    if b"\x00" in data[:8192]:
        raise ImportRefused(f"{path} looks like a binary file, not text; import Markdown or plain text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportRefused(
            f"{path} is not valid UTF-8 text (bad byte 0x{data[exc.start]:02x} at line {line}, "
            f"column {column}, byte {exc.start}); save it as UTF-8 and import it again"
        ) from exc


def text_files_in(folder: Path) -> list[Path]:
    """Markdown and text files under ``folder``, in a stable order, hidden ones skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(TEXT_SUFFIXES):
                found.append(Path(root) / name)
    return found


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path``, replacing it only once fully written."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"cannot write {path}: the file is read-only; choose another name")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError as exc:
        raise UserError(f"cannot write {path}: the folder {folder} does not exist") from exc
    except PermissionError as exc:
        raise UserError(f"cannot write {path}: the folder {folder} is read-only; choose another place") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temp_name, path.stat().st_mode & 0o7777)
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror}") from exc
