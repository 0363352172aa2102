"""Reading the writer's text files carefully and writing exports safely.

Reading refuses, with a message naming the file, anything that is not
reasonable text: a folder, a binary file, invalid UTF-8 (saying where), an
empty file, or one over the size limit. Writing goes to a temporary file in
the same folder that then replaces the target, so a failed export never
leaves a half-written file where the user's was.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from cardwriter.errors import ImportRefused, UserError
from cardwriter.services.text_decoding import DecodedText, decode_text

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


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path``, replacing it only once fully written and on disk."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, replacing it only once fully written and on disk.

    The bytes go to a temporary file in the target's folder, is flushed and
    fsynced, then renamed over the target (one atomic step), and the folder
    is fsynced so the rename itself survives a power cut. When ``path`` is a
    symbolic link, the file it points to is replaced and the link is kept.
    A project file or any other SQLite database is never a target: an
    export written there would destroy the writer's work.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    folder = target.parent
    if target.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    refuse_database_target(path, target)
    if target.exists() and not os.access(target, os.W_OK):
        raise UserError(f"cannot write {path}: the file is read-only; choose another name")
    try:
        # Mode 0o666 less the umask, as for any new file the user writes; a replaced file keeps its mode.
        temp_name = str(folder / f".{target.name}.{secrets.token_hex(6)}.tmp")
        handle = os.open(temp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileNotFoundError as exc:
        raise UserError(f"cannot write {path}: the folder {folder} does not exist") from exc
    except PermissionError as exc:
        raise UserError(f"cannot write {path}: the folder {folder} is read-only; choose another place") from exc
    except OSError as exc:
        raise UserError(f"cannot write {path}: {_why(exc)}") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            os.chmod(temp_name, target.stat().st_mode & 0o7777)
        os.replace(temp_name, target)
        _fsync_folder(folder)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {_why(exc)}; the old file, if any, is unchanged") from exc


def refuse_database_target(path: Path, target: Path | None = None) -> None:
    """Refuse to write over a project file, any SQLite database, or one of their -wal/-shm/-journal files."""
    target = Path(os.path.realpath(path)) if target is None else target
    name = target.name
    for suffix in ("-wal", "-shm", "-journal"):
        if name.endswith(suffix) and _is_database(target.with_name(name[: -len(suffix)])):
            raise UserError(
                f"will not write over {path}: it belongs to the database {target.with_name(name[: -len(suffix)])}"
            )
    if name.lower().endswith(".cardwriter") or _is_database(target):
        raise UserError(
            f"will not write over {path}: it is a Cardwriter project or another database, and writing "
            "there would destroy it; choose another file name (e.g. ending in .md, .txt or .json)"
        )


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not every platform can open a folder: then skip)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full; free some space and try again"
    return exc.strerror or str(exc)
