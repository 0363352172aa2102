"""``cardwriter.safe_write``, the one write path: what it refuses, and what a failure leaves behind."""

from __future__ import annotations

import io
import os
import socket
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from cardwriter import safe_write
from cardwriter.errors import UserError
from cardwriter.safe_write import (
    DiskFull,
    check_target,
    create_file,
    open_append,
    write_bytes_atomically,
    write_rendered,
    write_text_atomically,
)
from tests.support import fingerprint
from tests.tmpfs import fill, small_disk

DATA = bytes(range(256)) * 40


def char_device(path: Path, minor: int = 3) -> Path:
    """A character device node in the test's own folder (1, 3 is what /dev/null is; 1, 7 is /dev/full)."""
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, minor))
    return path


class PipeReader:
    """A thread reading a named pipe, as a program on the other end would; ``stop`` unblocks it."""

    def __init__(self, fifo: Path):
        self.fifo, self.got = fifo, bytearray()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.fifo, "rb") as pipe:  # blocks until a writer opens the other end
            self.got += pipe.read()

    def stop(self) -> bytes:
        if self.thread.is_alive():  # nobody wrote: open the writing end once, so the reader sees the end
            os.close(os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK))
        self.thread.join(timeout=5)
        return bytes(self.got)


def in_thread(call, timeout: float = 10.0) -> BaseException | None:
    """Run ``call`` in a thread; the exception it raised (None if none). Fails if it does not return in time."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "the write blocked"
    return outcome[0]


# -- what is refused, before anything is opened ---------------------------------------


@pytest.mark.parametrize("minor", [3, 7])
def test_a_device_is_refused_and_stays_a_device(tmp_path, minor):
    device = char_device(tmp_path / "out.md", minor)
    with pytest.raises(UserError, match=rf"will not write to {device}: it is a device"):
        write_bytes_atomically(device, DATA)
    assert stat.S_ISCHR(os.lstat(device).st_mode) and os.listdir(tmp_path) == ["out.md"]


def test_a_named_pipe_with_a_reader_is_refused_at_once_and_never_opened(tmp_path):
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    reader = PipeReader(fifo)
    error = in_thread(lambda: write_text_atomically(fifo, "text"))
    assert reader.stop() == b""
    assert isinstance(error, UserError) and f"{fifo}: it is a named pipe" in str(error)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["out.md"]


def test_a_socket_and_a_folder_are_refused(tmp_path):
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "s.md"))
        with pytest.raises(UserError, match="it is a socket"):
            write_bytes_atomically(tmp_path / "s.md", DATA)
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(UserError, match=r"folder\.md: it is a folder"):
        write_bytes_atomically(tmp_path / "folder.md", DATA)
    assert sorted(os.listdir(tmp_path)) == ["folder.md", "s.md"]


def test_a_link_to_a_pipe_or_device_is_refused_and_a_link_to_a_file_is_followed(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "to-fifo.md").symlink_to(tmp_path / "fifo")
    char_device(tmp_path / "dev")
    (tmp_path / "to-dev.md").symlink_to(tmp_path / "dev")
    for link, kind in (("to-fifo.md", "named pipe"), ("to-dev.md", "device")):
        assert isinstance(in_thread(lambda link=link: write_bytes_atomically(tmp_path / link, DATA)), UserError)
        with pytest.raises(UserError, match=kind):
            check_target(tmp_path / link)
    (tmp_path / "real.md").write_bytes(b"old")
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    write_bytes_atomically(tmp_path / "link.md", DATA)
    assert (tmp_path / "link.md").is_symlink() and (tmp_path / "real.md").read_bytes() == DATA


def test_projects_databases_and_their_companions_are_refused_byte_for_byte(tmp_path):
    project = tmp_path / "novel.cardwriter"
    project.write_bytes(b"anything")
    database = tmp_path / "data.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    (tmp_path / "data.db-wal").write_bytes(b"log")
    for target in (project, database, tmp_path / "data.db-wal", tmp_path / "data.db-shm", tmp_path / "new.cardwriter"):
        before = fingerprint(target) if target.exists() else None
        with pytest.raises(UserError, match="will not write over"):
            write_bytes_atomically(target, DATA)
        assert (fingerprint(target) if target.exists() else None) == before


def test_a_database_next_to_a_pipe_named_like_a_companion_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "notes")  # "notes-wal" would belong to "notes" if that were a database
    reader = PipeReader(tmp_path / "notes")
    assert in_thread(lambda: write_text_atomically(tmp_path / "notes-wal", "x")) is None
    assert reader.stop() == b""
    assert (tmp_path / "notes-wal").read_text() == "x"


# -- a full disk --------------------------------------------------------------------


def test_a_full_disk_is_a_message_and_the_old_file_stays_byte_for_byte(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        target = disk / "out.md"
        target.write_bytes(b"the old text\n")
        fill(disk)
        with pytest.raises(DiskFull, match=rf"cannot write {target}: the disk is full.*old file.*unchanged"):
            write_bytes_atomically(target, DATA * 10)
        assert target.read_bytes() == b"the old text\n"
        assert sorted(os.listdir(disk)) == ["filler", "out.md"]


def test_a_short_write_is_caught_by_the_size_on_disk(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_bytes(b"old")
    monkeypatch.setattr(safe_write, "_write_all", lambda fd, data: os.write(fd, data[: len(data) // 2]))
    with pytest.raises(DiskFull, match="disk is full"):
        write_bytes_atomically(target, DATA)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["out.md"]


def test_a_failure_midway_removes_the_temporary_file(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(safe_write.os, "fsync", broken_fsync)
    with pytest.raises(UserError, match="Input/output error"):
        write_bytes_atomically(tmp_path / "out.md", DATA)
    assert os.listdir(tmp_path) == []


def test_bytes_are_written_exactly_and_a_new_file_gets_the_usual_mode(tmp_path):
    old = os.umask(0o022)
    try:
        write_bytes_atomically(tmp_path / "out.bin", DATA)
    finally:
        os.umask(old)
    assert (tmp_path / "out.bin").read_bytes() == DATA
    assert stat.S_IMODE((tmp_path / "out.bin").stat().st_mode) == 0o644
    write_text_atomically(tmp_path / "out.bin", "é\n")
    assert (tmp_path / "out.bin").read_bytes() == "é\n".encode()


# -- drawing into memory, new files, appending ----------------------------------------


def test_a_renderer_draws_into_memory_and_never_sees_the_path(tmp_path):
    seen = []

    def render(out):
        seen.append(out)
        out.write(b"\x89PNG drawn")

    write_rendered(tmp_path / "chart.png", render)
    assert isinstance(seen[0], io.BytesIO) and (tmp_path / "chart.png").read_bytes() == b"\x89PNG drawn"
    device = char_device(tmp_path / "dev.png", 7)
    with pytest.raises(UserError, match="device"):
        write_rendered(device, render)
    assert len(seen) == 1, "a refused target costs no drawing"


def test_create_file_never_replaces_and_leaves_nothing_on_failure(tmp_path):
    made = create_file(tmp_path / "copy.cardwriter", lambda temp: temp.write_bytes(DATA), "back up")
    assert made.read_bytes() == DATA and os.listdir(tmp_path) == ["copy.cardwriter"]
    os.mkfifo(tmp_path / "pipe.cardwriter")
    for existing in ("copy.cardwriter", "pipe.cardwriter"):
        with pytest.raises(UserError, match="will not back up to .*already exists"):
            create_file(tmp_path / existing, lambda temp: temp.write_bytes(b"other"), "back up")
    assert made.read_bytes() == DATA

    def fails(temp: Path) -> None:
        temp.write_bytes(b"half")
        Path(f"{temp}-journal").write_bytes(b"log")
        raise OSError(28, "No space left on device")

    with pytest.raises(DiskFull, match="could not back up to .*new.cardwriter: the disk is full"):
        create_file(tmp_path / "new.cardwriter", fails, "back up")
    assert sorted(os.listdir(tmp_path)) == ["copy.cardwriter", "pipe.cardwriter"]


def test_appending_keeps_the_refusals(tmp_path):
    with open_append(tmp_path / "log.jsonl") as out:
        out.write("one\n")
    with open_append(tmp_path / "log.jsonl") as out:
        out.write("two\n")
    assert (tmp_path / "log.jsonl").read_text() == "one\ntwo\n"
    os.mkfifo(tmp_path / "pipe.jsonl")
    reader = PipeReader(tmp_path / "pipe.jsonl")
    assert isinstance(in_thread(lambda: open_append(tmp_path / "pipe.jsonl")), UserError)
    assert reader.stop() == b""
    with pytest.raises(UserError, match="will not write over"):
        open_append(tmp_path / "p.cardwriter")


@pytest.mark.parametrize("length", [238, 250, 255])
def test_a_long_but_legal_name_is_written_with_a_short_temporary_name(tmp_path, length):
    name = "é" + "a" * (length - len("é".encode()) - 3) + ".md"
    assert len(os.fsencode(name)) == length
    write_bytes_atomically(tmp_path / name, DATA)
    write_bytes_atomically(tmp_path / name, DATA[:10])  # and replaced
    assert (tmp_path / name).read_bytes() == DATA[:10]

    def backup(temp: Path) -> None:
        with sqlite3.connect(temp) as conn:  # SQLite adds "-journal" to the temporary name
            conn.execute("CREATE TABLE t (x)")
        conn.close()

    copy = name[:-3] + ".db"
    create_file(tmp_path / copy, backup)
    assert sorted(os.listdir(tmp_path)) == sorted([name, copy])


def test_a_target_name_too_long_is_still_refused_plainly(tmp_path):
    with pytest.raises(UserError, match="too long"):
        write_bytes_atomically(tmp_path / ("a" * 256), DATA)
    with pytest.raises(UserError, match="too long"):
        create_file(tmp_path / ("a" * 256), lambda temp: temp.write_bytes(DATA))
    assert os.listdir(tmp_path) == []
