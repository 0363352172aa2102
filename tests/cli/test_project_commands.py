"""The command line as a user runs it: real processes, real files, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SAMPLE = "\ufeff# Title\r\n\r\nA paragraph\r\nover two lines.\r\n\r\n* item\r\n* item\r\n"


def cardwriter(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "cardwriter", *map(str, args)], capture_output=True, cwd=cwd, timeout=60
    )


def ok(result):
    assert result.returncode == 0, result.stderr.decode()
    return result


def failed(result, code, *phrases):
    stderr = result.stderr.decode()
    assert result.returncode == code, stderr
    assert "Traceback" not in stderr
    for phrase in phrases:
        assert phrase in stderr
    return stderr


def test_version():
    assert ok(cardwriter("--version")).stdout.decode().startswith("cardwriter ")


def test_markdown_round_trip_byte_for_byte(tmp_path):
    (tmp_path / "a.md").write_bytes(SAMPLE.encode("utf-8"))
    ok(cardwriter("new", "p.cardwriter", cwd=tmp_path))
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))
    ok(cardwriter("export", "p.cardwriter", "--format", "md", "-o", "b.md", cwd=tmp_path))
    assert (tmp_path / "b.md").read_bytes() == (tmp_path / "a.md").read_bytes()
    assert ok(cardwriter("export", "p.cardwriter", "--format", "txt", cwd=tmp_path)).stdout == SAMPLE.encode()


def test_show_lists_cards_and_stack_sizes(tmp_path):
    (tmp_path / "a.md").write_text("First paragraph.\n\nSecond one, quite a bit longer than the first.\n")
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))  # import creates the project
    out = ok(cardwriter("show", "p.cardwriter", "--width", "20", cwd=tmp_path)).stdout.decode()
    lines = out.splitlines()
    assert lines[0] == "a  (2 cards)"
    assert lines[1].split() == ["1", "[", "0]", "First", "paragraph."]
    assert lines[2].endswith("Second one, quite a…")  # 20 characters, the last an ellipsis
    assert lines[-1] == "0 notes"


def test_notes_add_and_json_export(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "q.md").write_text("A quote.\n")
    (tmp_path / "notes" / "bad.txt").write_bytes(b"\xff\xfe\x00")
    ok(cardwriter("new", "p.cardwriter", cwd=tmp_path))
    failed(cardwriter("notes", "add", "p.cardwriter", "notes", cwd=tmp_path), 1, "skipped", "bad.txt", "added 1 notes")
    data = json.loads(ok(cardwriter("export", "p.cardwriter", "--format", "json", cwd=tmp_path)).stdout)
    assert [n["text"] for n in data["notes"]] == ["A quote."]


def test_json_round_trip_through_the_cli(tmp_path):
    (tmp_path / "a.md").write_text("One.\n\nTwo.\n")
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))
    ok(cardwriter("export", "p.cardwriter", "--format", "json", "-o", "p.json", cwd=tmp_path))
    ok(cardwriter("import", "p.json", "q.cardwriter", cwd=tmp_path))
    again = ok(cardwriter("export", "q.cardwriter", "--format", "json", cwd=tmp_path)).stdout
    assert again == (tmp_path / "p.json").read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ("export",),
        ("export", "p.cardwriter", "--format", "pdf"),
        ("notes",),
        ("new",),
    ],
)
def test_usage_errors_exit_2(tmp_path, args):
    assert cardwriter(*args, cwd=tmp_path).returncode == 2


def test_bad_inputs_exit_1_with_a_message_and_leave_files_alone(tmp_path):
    (tmp_path / "image.md").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9\n")
    (tmp_path / "empty.md").write_bytes(b"")
    failed(cardwriter("import", "image.md", "p.cardwriter", cwd=tmp_path), 1, "image.md", "binary")
    assert not (tmp_path / "p.cardwriter").exists(), "a failed import must not leave a new empty project"
    failed(cardwriter("import", "latin.txt", "p.cardwriter", cwd=tmp_path), 1, "latin.txt", "line 1, column 4")
    failed(cardwriter("import", "empty.md", "p.cardwriter", cwd=tmp_path), 1, "empty")
    failed(cardwriter("show", "missing.cardwriter", cwd=tmp_path), 1, "does not exist", "cardwriter new")
    (tmp_path / "fake.cardwriter").write_text("not a database")
    failed(cardwriter("show", "fake.cardwriter", cwd=tmp_path), 1, "fake.cardwriter", "not a Cardwriter project")
    assert (tmp_path / "fake.cardwriter").read_text() == "not a database"
    ok(cardwriter("new", "p.cardwriter", cwd=tmp_path))
    failed(cardwriter("new", "p.cardwriter", cwd=tmp_path), 1, "already exists")
    failed(cardwriter("export", "p.cardwriter", cwd=tmp_path), 1, "no drafts")
    (tmp_path / "a.md").write_text("Text.\n")
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))
    failed(cardwriter("export", "p.cardwriter", "-o", "nowhere/b.md", cwd=tmp_path), 1, "does not exist")
