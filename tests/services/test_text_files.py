from __future__ import annotations

import os

import pytest

from cardwriter.errors import ImportRefused, UserError
from tests.support import run_as_unprivileged
from cardwriter.services.text_files import MAX_IMPORT_BYTES, read_text_file, text_files_in, write_text_atomically


def test_reads_utf8_exactly_including_bom_and_crlf(tmp_path):
    path = tmp_path / "a.md"
    raw = "\ufeff# Café\r\n\r\nText.\r\n".encode("utf-8")
    path.write_bytes(raw)
    assert read_text_file(path).encode("utf-8") == raw


def test_invalid_utf8_says_where(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("First line\nSecond caf".encode() + b"\xe9 line\n")
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
    for path, phrase in ((binary, "binary"), (empty, "empty"), (tmp_path, "folder"), (tmp_path / "x.md", "does not exist")):
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
        "from cardwriter.services.text_files import write_text_atomically\n"
        f"write_text_atomically({str(target)!r}, 'x')"
    )
    assert "read-only" in result.stderr
    assert target.read_text() == "keep me"
