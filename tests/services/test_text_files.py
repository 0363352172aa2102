from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from cardwriter.errors import ImportRefused, UserError
from cardwriter.services.text_files import (
    MAX_IMPORT_BYTES,
    read_file_bytes,
    read_text,
    read_text_file,
    text_files_in,
    write_bytes_atomically,
    write_text_atomically,
)
from tests.support import run_as_unprivileged


def test_reads_utf8_exactly_including_bom_and_crlf(tmp_path):
    path = tmp_path / "a.md"
    raw = "\ufeff# Café\r\n\r\nText.\r\n".encode("utf-8")
    path.write_bytes(raw)
    assert read_text_file(path).encode("utf-8") == raw


def test_invalid_utf8_says_where(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"First line\nSecond caf\xe9 line\n")
    with pytest.raises(ImportRefused) as caught:
        read_text_file(path)
    message = str(caught.value)
    assert str(path) in message and "UTF-8" in message
    assert "line 2" in message and "column 11" in message and "0xe9" in message


def test_binary_empty_folder_and_missing_are_refused(tmp_path):
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    empty = tmp_path / "empty.md"
    empty.write_text("  \n\n")
    for path, phrase in (
        (binary, "binary"),
        (empty, "empty"),
        (tmp_path, "folder"),
        (tmp_path / "x.md", "does not exist"),
    ):
        with pytest.raises(ImportRefused, match=phrase):
            read_text_file(path)


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)  # sparse: no 50 MB written to disk
    with pytest.raises(ImportRefused, match="too big"):
        read_text_file(path)


def test_text_files_in_folder_skips_hidden_and_other_types(tmp_path):
    (tmp_path / "b.md").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "pic.png").write_bytes(b"x")
    (tmp_path / ".hidden.md").write_text("h")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.markdown").write_text("c")
    assert [p.relative_to(tmp_path).as_posix() for p in text_files_in(tmp_path)] == ["a.txt", "b.md", "sub/c.markdown"]


def test_atomic_write_replaces_only_when_complete(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old")
    write_text_atomically(target, "new\r\ntext")
    assert target.read_bytes() == b"new\r\ntext"
    assert os.listdir(tmp_path) == ["out.md"]


def test_atomic_write_to_missing_folder_or_read_only_file_keeps_the_old_file(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        write_text_atomically(tmp_path / "nope" / "out.md", "x")
    target = tmp_path / "locked.md"
    target.write_text("keep me")
    target.chmod(0o444)
    result = run_as_unprivileged(
        f"from cardwriter.services.text_files import write_text_atomically\nwrite_text_atomically({str(target)!r}, 'x')"
    )
    assert "read-only" in result.stderr
    assert target.read_text() == "keep me"


# -- special files, limits while reading, UTF-16 -------------------------------------


def test_a_named_pipe_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_refusal(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # unblock the stuck reader so the test run can finish
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a named pipe blocked")
    assert "named pipe" in outcome[0] and str(fifo) in outcome[0]


def _refusal(path):
    try:
        read_text_file(path)
    except ImportRefused as exc:
        return str(exc)
    return "read"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused(device):
    with pytest.raises(ImportRefused, match="device"):
        read_text_file(Path(device))


def test_the_limit_holds_while_reading_not_only_from_the_size(tmp_path):
    # /proc files claim size 0 but have content; a small limit shows the read stops at limit + 1.
    path = Path("/proc/self/maps")
    assert os.stat(path).st_size == 0 and stat.S_ISREG(os.stat(path).st_mode)
    with pytest.raises(ImportRefused, match="too big"):
        read_text_file(path, max_bytes=10)


@pytest.mark.parametrize("codec, name", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path, codec, name):
    path = tmp_path / "windows.txt"
    text = "Café au lait.\r\n\r\nSecond paragraph — ünïcode.\r\n"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    decoded = read_text(path)
    assert decoded.text == text and decoded.encoding == name


def test_utf16_without_a_mark_is_named_not_called_binary(tmp_path):
    path = tmp_path / "nobom.txt"
    path.write_bytes("Plain words in UTF-16.\n".encode("utf-16-le"))
    with pytest.raises(ImportRefused, match="UTF-16") as caught:
        read_text_file(path)
    assert "binary" not in str(caught.value)


# -- safe writes -----------------------------------------------------------------------


def test_atomic_write_never_touches_a_project_or_database(tmp_path):
    project = tmp_path / "novel.cardwriter"
    project.write_bytes(b"anything")
    database = tmp_path / "data.db"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    wal = tmp_path / "data.db-wal"
    for target in (project, database, wal, tmp_path / "new.cardwriter"):
        before = target.read_bytes() if target.exists() else None
        with pytest.raises(UserError, match="will not write over"):
            write_text_atomically(target, "# Markdown\n")
        assert (target.read_bytes() if target.exists() else None) == before


def test_atomic_write_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.md"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_text_atomically(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "made.md")
    write_text_atomically(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "made.md").read_text() == "made"


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "new.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644


def test_atomic_write_on_a_full_disk_keeps_the_old_file(tmp_path):
    from tests.tmpfs import fill, small_disk

    with small_disk(tmp_path / "disk") as disk:
        target = disk / "out.md"
        target.write_text("old text")
        fill(disk)
        with pytest.raises(UserError, match="disk is full"):
            write_text_atomically(target, "x" * 100_000)
        assert target.read_text() == "old text"
        assert sorted(os.listdir(disk)) == ["filler", "out.md"]


# -- bytes: documents (.docx, .odt, .pdf) ---------------------------------------


def test_bytes_are_written_atomically_and_exactly(tmp_path):
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    data = bytes(range(256)) * 10
    write_bytes_atomically(target, data)
    assert target.read_bytes() == data
    assert os.listdir(tmp_path) == ["out.docx"]
    with pytest.raises(UserError, match="will not write over"):
        write_bytes_atomically(tmp_path / "p.cardwriter", data)


def test_bytes_reader_keeps_the_refusals_and_names_what_it_wants(tmp_path):
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    with pytest.raises(ImportRefused, match="is a named pipe, not a file; give a .docx file"):
        read_file_bytes(fifo, wanted="a .docx file")
    big = tmp_path / "big.docx"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(ImportRefused, match="too big"):
        read_file_bytes(big, max_bytes=1000)
    binary = tmp_path / "ok.docx"
    binary.write_bytes(b"PK\x03\x04\x00\xff")
    assert read_file_bytes(binary) == b"PK\x03\x04\x00\xff"
