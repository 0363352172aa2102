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
    assert lines[0] == "a  (2 cards, 11 words, 62 characters)"
    assert lines[1].split() == ["1", "[", "0]", "First", "paragraph."]
    assert lines[2].endswith("Second one, quite a…")  # 20 characters, the last an ellipsis
    assert lines[-2] == "project: 1 draft, 11 words, 62 characters"
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
        ("export", "p.cardwriter", "--format", "rtf"),
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


# -- notes list, search, related ---------------------------------------------------


def _notes_project(path):
    from cardwriter.domain.model import Note
    from cardwriter.domain.paragraphs import draft_from_text
    from cardwriter.storage.project import Project

    with Project.create(path) as project:
        project.add_notes(
            [
                Note("The lighthouse keeper counted the stairs.", source="my notebook", id="keeper"),
                Note("Rain on the window all afternoon.", tags=("weather",), id="rain"),
                Note("Stairs, always stairs, in every dream.", id="dream"),
            ]
        )
        project.add_draft(draft_from_text("Draft", "Rain again, on the window.\n\nSomething else.\n"))


@pytest.fixture
def run_notes(monkeypatch, capsys):
    """The command line in-process, notes embedded by a FakeEmbedder that counts its work."""
    from cardwriter.cli import main, project_commands
    from cardwriter.embedding.fake_embedder import FakeEmbedder

    fake = FakeEmbedder()
    monkeypatch.setattr(project_commands, "open_note_embedder", lambda: fake)

    def invoke(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    invoke.fake = fake
    return invoke


def test_notes_list_text_and_json(tmp_path, run_notes):
    _notes_project(tmp_path / "p.cardwriter")
    code, out, _ = run_notes("notes", "list", tmp_path / "p.cardwriter", "--width", "20")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[0] == "1" and "The lighthouse keep…" in lines[0] and "— my notebook" in lines[0]
    assert lines[1].endswith("[weather]")
    code, out, _ = run_notes("notes", "list", tmp_path / "p.cardwriter", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["keeper", "rain", "dream"] and rows[1]["tags"] == ["weather"]
    assert run_notes.fake.encoded == 0  # listing embeds nothing


def test_notes_search_uses_the_project_cache_the_second_time(tmp_path, run_notes):
    path = tmp_path / "p.cardwriter"
    _notes_project(path)
    code, out, err = run_notes("notes", "search", path, "stairs", "--json")
    assert code == 0 and "embedded 3 notes, 0 from the project's cache" in err
    rows = json.loads(out)
    assert {r["id"] for r in rows} == {"keeper", "dream"}
    assert set(rows[0]) >= {"number", "id", "text", "source", "tags", "score", "cosine", "text_match"}
    assert run_notes.fake.encoded == 3 + 1

    code, out, err = run_notes("notes", "search", path, "stairs", "-k", "1")
    assert code == 0 and "embedded 0 notes, 3 from the project's cache" in err
    assert len(out.splitlines()) == 1
    assert run_notes.fake.encoded == 4 + 1  # the query only


def test_notes_related_to_a_card(tmp_path, run_notes):
    path = tmp_path / "p.cardwriter"
    _notes_project(path)
    code, out, _ = run_notes("notes", "related", path, "--card", "1", "--json")
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == ["rain"]  # FakeEmbedder: shared words; others below 0.35
    code, _, err = run_notes("notes", "related", path, "--card", "9")
    assert code == 1 and "cards 1 to 2" in err


def test_notes_search_bad_k_and_missing_project(tmp_path, run_notes):
    _notes_project(tmp_path / "p.cardwriter")
    with pytest.raises(SystemExit) as exc:
        run_notes("notes", "search", tmp_path / "p.cardwriter", "x", "-k", "0")
    assert exc.value.code == 2
    code, _, err = run_notes("notes", "search", tmp_path / "nope.cardwriter", "x")
    assert code == 1 and "Traceback" not in err


@pytest.mark.slow
def test_notes_search_by_meaning_with_the_real_embedder(tmp_path, monkeypatch, capsys):
    """In-process (one model load): the second search finds every note vector in the file."""
    from cardwriter.cli import main, project_commands
    from cardwriter.domain.model import Note
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder
    from cardwriter.storage.project import Project

    real = SentenceTransformerEmbedder()
    monkeypatch.setattr(project_commands, "open_note_embedder", lambda: real)
    path = tmp_path / "p.cardwriter"
    with Project.create(path) as project:
        project.add_notes(
            [
                Note("Her grandmother's kitchen always smelled of cardamom and burnt sugar."),
                Note("The ship went down in the storm and all hands were lost.", id="ship"),
                Note("The committee postponed the vote on the parking rules until spring."),
            ]
        )
    query = "a vessel sank in bad weather, nobody survived"
    assert main(["notes", "search", str(path), query, "--json"]) == 0
    first_out, first_err = capsys.readouterr()
    assert json.loads(first_out)[0]["id"] == "ship"
    assert "embedded 3 notes, 0 from" in first_err
    assert main(["notes", "search", str(path), query, "--json"]) == 0
    second_out, second_err = capsys.readouterr()
    assert "embedded 0 notes, 3 from" in second_err
    assert second_out == first_out


# -- never lose a word (issue 9) -------------------------------------------------------


def _project_with_text(tmp_path, name="p.cardwriter"):
    (tmp_path / "a.md").write_text("Text.\n")
    ok(cardwriter("import", "a.md", name, cwd=tmp_path))
    return tmp_path / name


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_export_onto_the_project_itself_is_refused(tmp_path, fmt):
    project = _project_with_text(tmp_path)
    before = project.read_bytes()
    failed(cardwriter("export", project.name, "--format", fmt, "-o", project.name, cwd=tmp_path), 1, "will not write")
    assert project.read_bytes() == before
    ok(cardwriter("show", project.name, cwd=tmp_path))


def test_export_through_a_symlink_keeps_the_link(tmp_path):
    _project_with_text(tmp_path)
    (tmp_path / "out.md").write_text("old")
    (tmp_path / "link.md").symlink_to("out.md")
    ok(cardwriter("export", "p.cardwriter", "-o", "link.md", cwd=tmp_path))
    assert (tmp_path / "link.md").is_symlink() and (tmp_path / "out.md").read_text() == "Text.\n"


def test_failed_new_and_import_onto_a_dangling_symlink_keep_the_link(tmp_path):
    link = tmp_path / "p.cardwriter"
    link.symlink_to(tmp_path / "missing" / "p.cardwriter")
    failed(cardwriter("new", "p.cardwriter", cwd=tmp_path), 1, "does not exist")
    assert link.is_symlink()
    (tmp_path / "missing").mkdir()
    (tmp_path / "bad.md").write_bytes(b"\x89PNG\x00\x00")
    failed(cardwriter("import", "bad.md", "p.cardwriter", cwd=tmp_path), 1, "binary")
    assert link.is_symlink() and not (tmp_path / "missing" / "p.cardwriter").exists()
    (tmp_path / "a.md").write_text("Hi.\n")
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))
    assert link.is_symlink() and (tmp_path / "missing" / "p.cardwriter").is_file()


def test_importing_a_named_pipe_returns_with_a_message(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.md")
    failed(cardwriter("import", "pipe.md", "p.cardwriter", cwd=tmp_path), 1, "named pipe")
    assert not (tmp_path / "p.cardwriter").exists()
    failed(cardwriter("import", "/dev/zero", "p.cardwriter", cwd=tmp_path), 1, "device")


@pytest.mark.parametrize("version", [-5, 2**31 - 1])
def test_odd_schema_versions_are_a_message(tmp_path, version):
    import sqlite3

    project = _project_with_text(tmp_path)
    conn = sqlite3.connect(project)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    failed(cardwriter("show", project.name, cwd=tmp_path), 1, str(version))


def test_a_full_disk_during_new_import_and_notes_add_is_a_message(tmp_path):
    from tests.tmpfs import fill, free, small_disk

    big = tmp_path / "big.md"
    big.write_text("\n\n".join(f"Paragraph {i} " + "words " * 200 for i in range(600)))
    with small_disk(tmp_path / "disk") as disk:
        (tmp_path / "a.md").write_text("Kept.\n")
        ok(cardwriter("import", tmp_path / "a.md", "p.cardwriter", cwd=disk))
        filler = fill(disk)
        for command in (("import", big, "p.cardwriter"), ("notes", "add", "p.cardwriter", big)):
            err = failed(
                cardwriter(*command, cwd=disk), 1, "disk is full", "nothing was saved and the project is unchanged"
            )
            assert "kept until" not in err  # the command line keeps nothing to save later
        failed(cardwriter("import", big, "new.cardwriter", cwd=disk), 1)
        failed(cardwriter("new", "other.cardwriter", cwd=disk), 1)
        assert not (disk / "new.cardwriter").exists() and not (disk / "other.cardwriter").exists()
        free(filler)
        shown = ok(cardwriter("show", "p.cardwriter", cwd=disk)).stdout.decode()
        assert "Kept." in shown and "0 notes" in shown


def test_backup_command(tmp_path):
    _project_with_text(tmp_path)
    default = ok(cardwriter("backup", "p.cardwriter", cwd=tmp_path)).stdout.decode().strip()
    assert "backups" in default and default.endswith(".cardwriter")
    ok(cardwriter("backup", "p.cardwriter", "copy.cardwriter", cwd=tmp_path))
    (tmp_path / "saved").mkdir()
    in_folder = ok(cardwriter("backup", "p.cardwriter", "saved", cwd=tmp_path)).stdout.decode().strip()
    assert in_folder.startswith("saved/p-")
    for path in (default, tmp_path / "copy.cardwriter", tmp_path / in_folder):
        assert "Text." in ok(cardwriter("show", path, cwd=tmp_path)).stdout.decode()
    failed(cardwriter("backup", "p.cardwriter", "copy.cardwriter", cwd=tmp_path), 1, "already exists")


def test_several_drafts_message_names_the_flag(tmp_path):
    _project_with_text(tmp_path)
    (tmp_path / "b.md").write_text("Other.\n")
    ok(cardwriter("import", "b.md", "p.cardwriter", cwd=tmp_path))
    failed(cardwriter("export", "p.cardwriter", cwd=tmp_path), 1, "2 drafts", "--draft TITLE")
    assert ok(cardwriter("export", "p.cardwriter", "--draft", "b", cwd=tmp_path)).stdout == b"Other.\n"


# -- Word, ODF, HTML and PDF ---------------------------------------------------------


def test_show_counts_every_draft_and_the_project(tmp_path):
    (tmp_path / "a.md").write_text("# *One* title\n\nTwo words.\n")
    (tmp_path / "b.md").write_text("Three more words.\n")
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))
    ok(cardwriter("import", "b.md", "p.cardwriter", cwd=tmp_path))
    lines = ok(cardwriter("show", "p.cardwriter", cwd=tmp_path)).stdout.decode().splitlines()
    assert "a  (2 cards, 4 words, 19 characters)" in lines
    assert "b  (1 cards, 3 words, 17 characters)" in lines
    assert "project: 2 drafts, 7 words, 36 characters" in lines


@pytest.mark.slow  # about ten processes, each importing Qt or python-docx
def test_documents_out_and_back_in_through_the_cli(tmp_path):
    import docx

    (tmp_path / "a.md").write_text("# Chapter *One*\n\nIt was a **dark** and _stormy_ night.\n")
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))
    for fmt in ("docx", "odt", "html", "pdf"):
        result = ok(cardwriter("export", "p.cardwriter", "--format", fmt, "-o", f"out.{fmt}", cwd=tmp_path))
        assert result.stderr.decode().strip() == f"exported to out.{fmt}"
    assert [p.text for p in docx.Document(str(tmp_path / "out.docx")).paragraphs] == [
        "Chapter One",
        "It was a dark and stormy night.",
    ]
    assert "<strong>dark</strong>" in (tmp_path / "out.html").read_text()
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    # Standard output, when it is not a terminal, takes the bytes too.
    piped = ok(cardwriter("export", "p.cardwriter", "--format", "docx", cwd=tmp_path)).stdout
    assert piped.startswith(b"PK")

    message = ok(cardwriter("import", "out.docx", "q.cardwriter", cwd=tmp_path)).stderr.decode()
    assert "as draft 'out' (2 cards)" in message
    ok(cardwriter("import", "out.odt", "q.cardwriter", cwd=tmp_path))
    shown = ok(cardwriter("show", "q.cardwriter", cwd=tmp_path)).stdout.decode()
    assert shown.count("It was a **dark** and *stormy* night.") == 2


def test_a_damaged_docx_is_refused_and_leaves_no_project_behind(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    failed(cardwriter("import", "bad.docx", "p.cardwriter", cwd=tmp_path), 1, "bad.docx is damaged")
    assert not (tmp_path / "p.cardwriter").exists()


def test_document_export_refuses_the_project_itself(tmp_path):
    (tmp_path / "a.md").write_text("Words.\n")
    ok(cardwriter("import", "a.md", "p.cardwriter", cwd=tmp_path))
    before = (tmp_path / "p.cardwriter").read_bytes()
    failed(
        cardwriter("export", "p.cardwriter", "--format", "docx", "-o", "p.cardwriter", cwd=tmp_path),
        1,
        "will not write",
    )
    assert (tmp_path / "p.cardwriter").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "p.cardwriter", "--width", "0"), "argument --width: must be a whole number from 10 to 10000, not 0"),
        (("notes", "list", "p.cardwriter", "--width", "-5"), "argument --width: must be a whole number from 10"),
        (("notes", "search", "p.cardwriter", "x", "-k", "0"), "argument -k: must be a whole number from 1 to 1000"),
        (("notes", "related", "p.cardwriter", "--card", "0"), "argument --card: must be a whole number from 1 up"),
        (("notes", "related", "p.cardwriter", "--card", "1", "-k", "99999"), "argument -k: must be a whole number"),
        (("backup", "p.cardwriter", "--keep", "0"), "argument --keep: must be a whole number from 1 to 10000, not 0"),
    ],
)
def test_numbers_out_of_range_are_usage_errors_with_a_message(tmp_path, args, message):
    failed(cardwriter(*args, cwd=tmp_path), 2, message)
