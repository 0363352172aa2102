"""The one way Cardwriter writes a file the user will see.

Every output goes through here: exports, charts, backups and Save As, the
recovery journal, the settings and caches kept as JSON. The rules:

- A project file, any other SQLite database, or one of their
  ``-wal``/``-shm``/``-journal`` files is never written over.
- What exists and is not a regular file (a folder, a device, a named pipe,
  a socket) is refused from ``os.stat`` before anything is opened: a named
  pipe is never opened (that could wait forever), a device node is never
  replaced by a file. A symbolic link to a regular file is followed, and the
  file it points to is replaced.
- The bytes go to a temporary file beside the target, which is written,
  fsynced and measured (its size must be the size of the data), then renamed
  over the target in one atomic step, and the folder is fsynced. A full disk
  or any other failure removes the temporary file and leaves the target as it
  was, and is a ``UserError`` naming the file.
- A writer that draws through a callback (a chart's ``savefig``) draws into
  memory (``write_rendered``); it never gets the user's path.

It sits at the top of the package, beside ``errors``, so that every layer
may use it; it imports only the standard library and ``cardwriter.errors``.
A test (``tests/test_one_write_path.py``) fails when another module calls a
file-writing API without a reason listed there.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, TextIO

from cardwriter.errors import UserError

PROJECT_SUFFIX = ".cardwriter"
DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")
SQLITE_MAGIC = b"SQLite format 3\x00"
_FULL = (errno.ENOSPC, errno.EDQUOT)
_NAME_MAX = 255  # bytes in one part of a path, on most file systems


class DiskFull(UserError):
    """The disk (or the user's quota) filled up while writing; the target is unchanged."""


def check_target(path: str | os.PathLike[str]) -> Path:
    """Refuse a target that must never be written; return the real path a write will replace.

    Refused, with a message naming ``path``: a folder, anything else that
    exists and is not a regular file (device, named pipe, socket), a project
    or other SQLite database and their companion files. Nothing is opened
    except a regular file, to read a database's first bytes.
    """
    path = Path(path)
    info = _stat(path)
    if info is not None:
        _refuse_not_regular(path, info.st_mode)
    target = Path(os.path.realpath(path))
    refuse_database_target(path, target)
    return target


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path``, replacing it only once fully written and on disk."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path``: the whole of it or, on any failure, nothing (see the module's rules).

    A replaced file keeps its permissions; a new one gets 0o666 less the
    umask, as any file the user makes.
    """
    path = Path(path)
    target = check_target(path)
    folder = target.parent
    if target.exists() and not os.access(target, os.W_OK):
        raise UserError(f"cannot write {path}: the file is read-only; choose another name")
    fd, temp = _open_temp(path, folder, target.name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            written = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if written != len(data):
            raise OSError(errno.ENOSPC, f"only {written} of {len(data)} bytes reached the disk")
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
    except OSError as exc:
        _remove(temp)
        raise _failure(f"cannot write {path}", exc, "the old file, if any, is unchanged") from exc
    except BaseException:
        _remove(temp)
        raise
    _fsync_folder(folder)


def write_rendered(path: str | os.PathLike[str], render: Callable[[IO[bytes]], object]) -> None:
    """Let ``render`` write into memory (e.g. ``figure.savefig``), then write those bytes to ``path``.

    The target is checked before drawing, so a refused name costs no work;
    the drawing code never sees the user's path.
    """
    check_target(path)
    buffer = io.BytesIO()
    render(buffer)
    write_bytes_atomically(path, buffer.getvalue())


def create_file(dest: str | os.PathLike[str], fill: Callable[[Path], object], doing: str = "write") -> Path:
    """Make the new file ``dest`` from what ``fill`` writes to a temporary path beside it.

    For a file another engine writes by name (SQLite's backup API): ``fill``
    gets the temporary path, which is then fsynced and linked into place.
    Nothing that exists is ever replaced: ``dest`` existing (or appearing
    meanwhile, whatever it is) is refused. An ``OSError`` becomes a
    ``UserError``; other exceptions from ``fill`` pass through; in every
    case the temporary file (and any ``-journal``/``-wal``/``-shm`` beside
    it) is removed. ``doing`` ("back up", "save a copy") words the messages.
    """
    dest = Path(dest)
    if os.path.lexists(dest):
        raise UserError(f"will not {doing} to {dest}: it already exists; choose a new file name")
    folder = dest.parent
    if not folder.is_dir():
        raise UserError(f"cannot {doing} to {dest}: the folder {folder} does not exist")
    temp = folder / _temp_name(dest.name)
    try:
        fill(temp)
        _fsync_file(temp)
        _link_into_place(temp, dest)
        _fsync_folder(folder)
    except FileExistsError as exc:
        raise UserError(f"will not {doing} to {dest}: it appeared meanwhile; choose another name") from exc
    except OSError as exc:
        raise _failure(f"could not {doing} to {dest}", exc, "nothing was written") from exc
    finally:
        for leftover in (temp, *(Path(f"{temp}{suffix}") for suffix in DATABASE_COMPANIONS)):
            _remove(leftover)
    return dest


def open_append(path: str | os.PathLike[str]) -> TextIO:
    """Open ``path`` to add UTF-8 lines at its end (a log the user asked for, line by line).

    The same refusals as a whole write; the caller closes the file. An
    append cannot be atomic: what was written before a failure stays.
    """
    path = Path(path)
    target = check_target(path)
    try:
        return open(target, "a", encoding="utf-8")  # the caller closes it
    except OSError as exc:
        raise _failure(f"cannot write {path}", exc, "nothing was written") from exc


def refuse_database_target(path: str | os.PathLike[str], target: Path | None = None) -> None:
    """Refuse to write over a project file, any SQLite database, or one of their -wal/-shm/-journal files."""
    target = Path(os.path.realpath(path)) if target is None else target
    name = target.name
    for suffix in DATABASE_COMPANIONS:
        if name.endswith(suffix) and _is_database(target.with_name(name[: -len(suffix)])):
            raise UserError(
                f"will not write over {path}: it belongs to the database {target.with_name(name[: -len(suffix)])}"
            )
    if name.lower().endswith(PROJECT_SUFFIX) or _is_database(target):
        raise UserError(
            f"will not write over {path}: it is a Cardwriter project or another database, and writing "
            "there would destroy it; choose another file name"
        )


# -- helpers --------------------------------------------------------------------


def _stat(path: Path) -> os.stat_result | None:
    """The target's status, following symbolic links; None when there is nothing there yet."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {_why(exc)}") from exc


def _refuse_not_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise UserError(f"cannot write {path}: it is a folder; give a file name")
    kind = (
        "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    raise UserError(f"will not write to {path}: it is {kind}, not a regular file; choose a file name")


def _is_database(path: Path) -> bool:
    """Whether ``path`` is a regular file starting as SQLite does (never opens anything else)."""
    info = _stat_quietly(path)
    if info is None or not stat.S_ISREG(info.st_mode):
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, 16) == SQLITE_MAGIC
    except OSError:
        return False
    finally:
        os.close(fd)


def _stat_quietly(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _temp_name(name: str) -> str:
    """A fresh temporary name for a file to be called ``name``, itself a legal name in the same folder.

    ``.NAME.HEX.tmp`` shows whose it is; when that (with SQLite's ``-journal``
    added) would pass the 255 bytes most file systems allow, ``.cw-HEX.tmp``,
    so a target with a long but legal name can still be written.
    """
    token = secrets.token_hex(6)
    full = f".{name}.{token}.tmp"
    if len(os.fsencode(full)) + len("-journal") <= _NAME_MAX:
        return full
    return f".cw-{token}.tmp"


def _open_temp(path: Path, folder: Path, name: str) -> tuple[int, Path]:
    temp = folder / _temp_name(name)
    try:
        return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), temp
    except FileNotFoundError as exc:
        raise UserError(f"cannot write {path}: the folder {folder} does not exist") from exc
    except NotADirectoryError as exc:
        raise UserError(f"cannot write {path}: {folder} is not a folder") from exc
    except PermissionError as exc:
        raise UserError(f"cannot write {path}: the folder {folder} is read-only; choose another place") from exc
    except OSError as exc:
        raise _failure(f"cannot write {path}", exc, "nothing was written") from exc


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        count = os.write(fd, view)
        if count <= 0:
            raise OSError(errno.ENOSPC, "the disk took no more bytes")
        view = view[count:]


def _link_into_place(temp: Path, dest: Path) -> None:
    """Give the finished file its name, failing if that name is taken (never replacing it)."""
    try:
        os.link(temp, dest)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links: check, then rename
        if os.path.lexists(dest):
            raise FileExistsError(str(dest)) from None
        os.rename(temp, dest)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not every platform can open a folder: then skip)."""
    with contextlib.suppress(OSError):
        _fsync_file(folder)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _failure(head: str, exc: OSError, after: str) -> UserError:
    """``head`` ("cannot write FILE") and why, with what became of the target: a message for the user."""
    if exc.errno in _FULL:
        return DiskFull(f"{head}: the disk is full; free some space and try again; {after}")
    return UserError(f"{head}: {_why(exc)}; {after}")


def _why(exc: OSError) -> str:
    if exc.errno in _FULL:
        return "the disk is full; free some space and try again"
    return exc.strerror or str(exc)
