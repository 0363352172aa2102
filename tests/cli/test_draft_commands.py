"""``cardwriter drafts list|rename|delete`` on a real project file."""

from __future__ import annotations

import json

import pytest

import cardwriter.cli as cli
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.storage.project import Project
from tests.support import fingerprint


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "book.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Chapter one", "One.\n\nTwo.\n"))
        project.add_draft(draft_from_text("Chapter two", "Three.\n"))
    return path


@pytest.fixture
def run(capsys):
    def invoke(*args):
        code = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_list_rename_delete(run, path):
    code, out, _ = run("drafts", "list", path)
    assert code == 0 and "Chapter one  (2 cards)" in out and "Chapter two  (1 cards)" in out
    code, _, err = run("drafts", "rename", path, "Chapter one", "Prologue")
    assert code == 0 and "renamed 'Chapter one' to 'Prologue'" in err
    code, _, err = run("drafts", "delete", path, "Chapter two")
    assert code == 0 and "deleted 'Chapter two' (1 cards)" in err
    code, out, _ = run("drafts", "list", path, "--json")
    assert [(d["title"], d["cards"]) for d in json.loads(out)] == [("Prologue", 2)]


def test_unknown_draft_and_clashing_title_are_messages(run, path):
    code, out, err = run("drafts", "delete", path, "Epilogue")
    assert code == 1 and "no draft called 'Epilogue'" in err and "Traceback" not in err and out == ""
    code, _, err = run("drafts", "rename", path, "Chapter one", "Chapter two")
    assert code == 1 and "already has a draft called 'Chapter two'" in err
    with Project.open(path) as project:
        assert [d.title for d in project.drafts()] == ["Chapter one", "Chapter two"]


def test_importing_a_file_twice_gives_numbered_titles_that_each_name_one_draft(run, tmp_path):
    (tmp_path / "chapter.md").write_text("One.\n\nTwo.\n")
    project = tmp_path / "new.cardwriter"
    code, _, err = run("import", tmp_path / "chapter.md", project)
    assert code == 0 and "as draft 'chapter' (2 cards)" in err
    for number in (2, 3):
        code, _, err = run("import", tmp_path / "chapter.md", project)
        assert code == 0 and f"as draft 'chapter ({number})' (2 cards; the project already has a draft called" in err
    code, out, _ = run("drafts", "list", project)
    assert out.splitlines() == [
        "    1  chapter  (2 cards)",
        "    2  chapter (2)  (2 cards)",
        "    3  chapter (3)  (2 cards)",
    ]
    code, _, err = run("drafts", "delete", project, "chapter")
    assert code == 0 and "deleted 'chapter' (2 cards)" in err
    with Project.open(project) as opened:
        assert [d.title for d in opened.drafts()] == ["chapter (2)", "chapter (3)"]
    code, _, err = run("drafts", "rename", project, "chapter (2)", "chapter (3)")
    assert code == 1 and "already has a draft called 'chapter (3)'; choose another title" in err


@pytest.fixture
def twins(tmp_path):
    """A project from before titles were unique: two drafts called "chapter"."""
    path = tmp_path / "old.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("chapter", "First.\n"))
        project.add_draft(draft_from_text("other", "Second.\n\nThird.\n"))
        project.db.execute("UPDATE drafts SET title = 'chapter'")
        project.db.conn.commit()
        ids = [d.id for d in project.drafts()]
    return path, ids


@pytest.mark.parametrize(
    "command",
    [
        ("drafts", "delete", "{path}", "chapter"),
        ("drafts", "rename", "{path}", "chapter", "Prologue"),
        ("export", "{path}", "--draft", "chapter"),
    ],
)
def test_a_title_two_drafts_share_is_refused_with_their_ids(run, twins, command):
    path, ids = twins
    before = fingerprint(path)
    code, out, err = run(*(part.format(path=path) for part in command))
    assert code == 1 and out == "" and "Traceback" not in err
    assert f"has 2 drafts called 'chapter' (id {ids[0]} (1 cards); id {ids[1]} (2 cards)); name the one you mean" in err
    assert fingerprint(path) == before
    if command[0] == "export":
        assert err.rstrip().endswith("by its id (--draft ID)")


def test_an_id_names_one_of_two_drafts_that_share_a_title(run, twins):
    path, ids = twins
    code, out, _ = run("export", path, "--draft", ids[1])
    assert code == 0 and out == "Second.\n\nThird.\n"
    code, out, _ = run("drafts", "list", path)
    assert out.splitlines() == [f"    1  chapter  (1 cards)  id {ids[0]}", f"    2  chapter  (2 cards)  id {ids[1]}"]
    code, _, err = run("drafts", "rename", path, ids[1], "Second chapter")
    assert code == 0 and "renamed 'chapter' to 'Second chapter'" in err  # the old title, not the id given
    code, _, err = run("drafts", "delete", path, "chapter")  # one left of that title now
    assert code == 0 and "deleted 'chapter' (1 cards)" in err
    with Project.open(path) as project:
        assert [(d.id, d.title) for d in project.drafts()] == [(ids[1], "Second chapter")]


@pytest.fixture
def clash(tmp_path):
    """Two drafts, the second titled with the first's id (a project from before that was refused)."""
    path = tmp_path / "clash.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("x", "X text.\n"))
        project.add_draft(draft_from_text("y", "Y text.\n\nMore.\n"))
        ids = [d.id for d in project.drafts()]
        project.db.execute("UPDATE drafts SET title = ? WHERE id = ?", [ids[0], ids[1]])
        project.db.conn.commit()
    return path, ids


@pytest.mark.parametrize(
    "command",
    [
        ("drafts", "delete", "{path}", "{id}"),
        ("drafts", "rename", "{path}", "{id}", "z"),
        ("export", "{path}", "--draft", "{id}"),
    ],
)
def test_one_drafts_id_and_anothers_title_is_refused_as_ambiguous(run, clash, command):
    path, ids = clash
    before = fingerprint(path)
    code, out, err = run(*(part.format(path=path, id=ids[0]) for part in command))
    assert code == 1 and out == "" and "Traceback" not in err
    assert f"'{ids[0]}' is the id of the draft 'x' and the title of another" in err
    assert f"(id {ids[1]}, 2 cards)" in err and f"id:{ids[0]}" in err
    assert fingerprint(path) == before


def test_the_id_prefix_names_a_draft_by_its_id_alone(run, clash, capsys):
    path, ids = clash
    code, out, _ = run("export", path, "--draft", f"id:{ids[0]}")
    assert code == 0 and out == "X text.\n"
    code, _, err = run("drafts", "delete", path, f"id:{ids[1]}")
    assert code == 0 and "deleted" in err and "(2 cards)" in err
    code, out, _ = run("export", path, "--draft", ids[0])  # no longer ambiguous
    assert code == 0 and out == "X text.\n"
    with pytest.raises(SystemExit):
        run("drafts", "delete", "--help")
    assert "id:ID" in capsys.readouterr().out


def test_a_title_may_not_be_another_drafts_id(run, path, tmp_path):
    with Project.open(path) as project:
        first, second = (d.id for d in project.drafts())
    before = fingerprint(path)
    code, _, err = run("drafts", "rename", path, "Chapter two", first)
    assert code == 1 and f"'{first}' is the id of another draft" in err
    assert fingerprint(path) == before
    source = tmp_path / f"{second}.md"
    source.write_text("Imported.\n")
    code, _, err = run("import", source, path)
    assert code == 0 and f"as draft '{second} (2)'" in err and "whose id is" in err


def test_renaming_by_id_names_the_old_title(run, path):
    with Project.open(path) as project:
        first = project.drafts()[0].id
    code, _, err = run("drafts", "rename", path, first, "Prologue")
    assert code == 0 and "renamed 'Chapter one' to 'Prologue'" in err


@pytest.mark.parametrize("title", ["ti\x1b[31mRED\x07", "evil\u202etxt.md", "del\x7fete", "a\u2066b"])
def test_a_title_with_control_or_direction_characters_is_refused(run, path, title):
    before = fingerprint(path)
    code, _, err = run("drafts", "rename", path, "Chapter one", title)
    assert code == 1 and "control or text-direction characters" in err
    assert not any(c in err for c in "\x1b\x07\u202e\x85\u2066")
    assert fingerprint(path) == before


def test_names_with_control_characters_are_printed_escaped(run, tmp_path):
    source = tmp_path / "ti\x1b[31mRED\x07\u202e.md"
    source.write_text("Text.\n")
    project = tmp_path / "new\nline.cardwriter"
    code, _, err = run("import", source, project)
    assert code == 0
    assert "ti\\x1b[31mRED\\x07\\u202e.md as draft 'ti\\x1b[31mRED\\x07\\u202e'" in err
    assert err.count("\n") == 1 and "\x1b" not in err and "\u202e" not in err
    code, out, _ = run("drafts", "list", project)
    assert code == 0 and "ti\\x1b[31mRED\\x07\\u202e" in out and "\x1b" not in out
    code, _, err = run("export", project, "--draft", "nothing")
    assert code == 1 and "\x1b" not in err and "new\\nline.cardwriter" in err and err.count("\n") == 1
