"""``cardwriter drafts list|rename|delete`` on a real project file."""

from __future__ import annotations

import json

import pytest

import cardwriter.cli as cli
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.storage.project import Project


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
