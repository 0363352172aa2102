"""Names and text the system hands us, through the real command line (issue 25, round two).

File names and arguments need not be UTF-8, standard input need not be
text, and a name can be longer than the file system allows. Each is a
message or works, never a traceback; the user's files stay byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import fingerprint

TEXT = "Un café noir.\n\nDeux sucres.\n".encode()


def cardwriter(*args: str | bytes, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The real command line; arguments may be bytes, as a shell passes them."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "cardwriter", *args], capture_output=True, cwd=cwd, input=stdin, timeout=60, env=env
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr
    return result


def refused(result: subprocess.CompletedProcess, *phrases: bytes) -> bytes:
    assert result.returncode == 1, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr
    result.stderr.decode("utf-8")  # printed as UTF-8: the odd bytes as escapes, not raw
    return result.stderr


def test_a_file_name_that_is_not_utf8_imports_exports_and_is_shown_with_escapes(tmp_path):
    source = tmp_path / os.fsdecode(b"caf\xe9.md")
    source.write_bytes(TEXT)
    before = fingerprint(source)

    result = ok(cardwriter(b"import", b"caf\xe9.md", b"p.cardwriter", cwd=tmp_path))
    assert b"imported caf\\xe9.md as draft 'caf\\xe9' (2 cards" in result.stderr
    assert b"not UTF-8" in result.stderr
    assert b"caf\\xe9  (2 cards)" in ok(cardwriter("drafts", "list", "p.cardwriter", cwd=tmp_path)).stdout
    assert ok(cardwriter("show", "p.cardwriter", cwd=tmp_path)).stdout.startswith(b"caf\\xe9  (2 cards")

    # The draft is found by the bytes of its name as by their escapes; the export goes to a name that is not UTF-8.
    result = ok(cardwriter("export", "p.cardwriter", "--draft", b"caf\xe9", "-o", b"out\xe9.md", cwd=tmp_path))
    assert result.stderr == b"exported to out\\xe9.md\n"
    assert (tmp_path / os.fsdecode(b"out\xe9.md")).read_bytes() == TEXT
    assert ok(cardwriter("export", "p.cardwriter", "--draft", "caf\\xe9", cwd=tmp_path)).stdout == TEXT

    ok(cardwriter("notes", "add", "p.cardwriter", b"caf\xe9.md", cwd=tmp_path))
    assert b"caf\\xe9.md" in ok(cardwriter("notes", "list", "p.cardwriter", cwd=tmp_path)).stdout
    assert fingerprint(source) == before


def test_paths_that_are_not_utf8_are_printed_with_escapes_on_both_streams(tmp_path):
    result = ok(cardwriter("new", b"\xe9t\xe9.cardwriter", cwd=tmp_path))
    assert result.stderr == b"created \\xe9t\\xe9.cardwriter\n"
    project = tmp_path / os.fsdecode(b"\xe9t\xe9.cardwriter")
    before = fingerprint(project)
    result = ok(cardwriter("backup", b"\xe9t\xe9.cardwriter", b"copy\xe9.cardwriter", cwd=tmp_path))
    assert result.stdout == b"copy\\xe9.cardwriter\n"  # the path written, on standard output
    assert result.stderr == b"backed up \\xe9t\\xe9.cardwriter to\n"
    assert (tmp_path / os.fsdecode(b"copy\xe9.cardwriter")).exists()
    assert ok(cardwriter("show", b"\xe9t\xe9.cardwriter", cwd=tmp_path)).stdout.startswith(b"\\xe9t\\xe9.cardwriter:")
    assert fingerprint(project) == before


def test_a_title_given_in_latin_1_is_refused_and_changes_nothing(tmp_path):
    (tmp_path / "chapter.md").write_bytes(TEXT)
    ok(cardwriter("import", "chapter.md", "p.cardwriter", cwd=tmp_path))
    before = fingerprint(tmp_path / "p.cardwriter")
    refused(
        cardwriter("drafts", "rename", "p.cardwriter", "chapter", b"\xe9t\xe9", cwd=tmp_path),
        b"the title '\\xe9t\\xe9' has bytes that are not UTF-8",
    )
    assert fingerprint(tmp_path / "p.cardwriter") == before
    assert ok(cardwriter("drafts", "list", "p.cardwriter", cwd=tmp_path)).stdout == b"    1  chapter  (2 cards)\n"
    refused(
        cardwriter("drafts", "delete", "p.cardwriter", b"\xe9t\xe9", cwd=tmp_path), b"no draft called '\\xe9t\\xe9'"
    )


def test_standard_input_that_is_not_utf8_gets_the_message_a_file_gets(tmp_path):
    bad = b"Un caf\xe9 noir.\n"
    (tmp_path / "bad.md").write_bytes(bad)
    from_file = refused(cardwriter("import", "bad.md", "p.cardwriter", cwd=tmp_path), b"not valid UTF-8")
    assert not (tmp_path / "p.cardwriter").exists()
    from_stdin = refused(cardwriter("variants", "-n", "1", "-", cwd=tmp_path, stdin=bad), b"not valid UTF-8")
    assert from_stdin == from_file.replace(b"bad.md", b"standard input")
    assert (tmp_path / "bad.md").read_bytes() == bad


def test_a_name_longer_than_the_file_system_allows_is_a_message(tmp_path):
    (tmp_path / "chapter.md").write_bytes(TEXT)
    ok(cardwriter("import", "chapter.md", "p.cardwriter", cwd=tmp_path))
    before = fingerprint(tmp_path / "p.cardwriter")
    long_name = "a" * 253
    refused(cardwriter("import", f"{long_name}.md", "p.cardwriter", cwd=tmp_path), b"File name too long")
    refused(cardwriter("new", f"{long_name}.cardwriter", cwd=tmp_path), b"too long")
    refused(cardwriter("export", "p.cardwriter", "-o", f"{long_name}.txt", cwd=tmp_path), b"too long")
    refused(cardwriter("backup", "p.cardwriter", f"{long_name}.cardwriter", cwd=tmp_path), b"too long")
    assert fingerprint(tmp_path / "p.cardwriter") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapter.md", "p.cardwriter"]


def test_a_long_but_legal_output_name_is_written(tmp_path):
    (tmp_path / "chapter.md").write_bytes(TEXT)
    ok(cardwriter("import", "chapter.md", "p.cardwriter", cwd=tmp_path))
    for length in (238, 255):
        name = "a" * (length - 4) + ".txt"
        ok(cardwriter("export", "p.cardwriter", "-o", name, cwd=tmp_path))
        assert (tmp_path / name).read_bytes() == TEXT
    for length in (230, 255):
        name = "b" * (length - len(".cardwriter")) + ".cardwriter"
        ok(cardwriter("backup", "p.cardwriter", name, cwd=tmp_path))
        assert (tmp_path / name).read_bytes().startswith(b"SQLite format 3\x00")
        if length == 230:  # a name of 255 bytes leaves no room for the -wal file opening it needs
            assert b"Un caf" in ok(cardwriter("show", name, cwd=tmp_path)).stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
