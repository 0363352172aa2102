"""``cardwriter echoes``: a real project with an echo and a same-topic pair across two drafts."""

from __future__ import annotations

import json

import pytest

from cardwriter.cli import echo_commands, main
from cardwriter.domain.model import Card, Draft
from cardwriter.storage.project import Project

ECHO = (
    "The council voted to close the library on Saturdays to save money. Residents pointed out "
    "that Saturday is the only day most working families can visit.",
    "To cut costs, councillors agreed that the library would no longer open at weekends. Locals "
    "objected that weekends are exactly when parents with jobs are able to bring their children.",
)
SAME_TOPIC = (
    "The library's Saturday story hour is run by volunteers, most of them retired teachers, and "
    "draws forty children every week.",
    "The council plans to sell the old library building and move the collection into a corner of "
    "the new leisure centre.",
)


def make_project(path):
    with Project.create(path) as project:
        project.add_draft(Draft("Town notes", cards=[Card("# The library"), Card(ECHO[0]), Card(SAME_TOPIC[0])]))
        project.add_draft(Draft("Chapter 2", cards=[Card(SAME_TOPIC[1]), Card(ECHO[1])]))


@pytest.fixture
def run(monkeypatch, capsys, minilm):
    monkeypatch.setattr(echo_commands, "open_echo_embedder", lambda: minilm)

    def invoke(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.mark.slow
def test_the_echo_is_listed_with_both_titles_and_texts_and_the_same_topic_pair_is_not(tmp_path, run):
    path = tmp_path / "p.cardwriter"
    make_project(path)
    code, out, err = run("echoes", path)
    assert code == 0, err
    assert "Town notes, card 2:" in out and "Chapter 2, card 2:" in out
    assert ECHO[0] in out and ECHO[1] in out
    assert SAME_TOPIC[0] not in out and SAME_TOPIC[1] not in out
    assert "1 echo found" in err and "compared 4 paragraphs (embedded 4, 0 from" in err


@pytest.mark.slow
def test_json_shape_and_the_draft_filter(tmp_path, run):
    path = tmp_path / "p.cardwriter"
    make_project(path)
    code, out, err = run("echoes", path, "--json")
    assert code == 0, err
    [echo] = json.loads(out)
    assert set(echo) == {"similarity", "first", "second"} and 0.59 <= echo["similarity"] <= 1
    with Project.open(path) as project:
        drafts = {d.title: d.id for d in project.drafts()}
        ids = project.card_ids(drafts["Town notes"])[1], project.card_ids(drafts["Chapter 2"])[1]
    assert echo["first"] == {
        "card_id": ids[0],
        "draft_id": drafts["Town notes"],
        "draft_title": "Town notes",
        "position": 1,
        "text": ECHO[0],
    }
    assert (echo["second"]["card_id"], echo["second"]["draft_title"], echo["second"]["text"]) == (
        ids[1],
        "Chapter 2",
        ECHO[1],
    )
    code, out, err = run("echoes", path, "--json", "--min-similarity", "0.99")
    assert code == 0 and json.loads(out) == []
    assert "embedded 0, 4 from the project's cache" in err  # the first run stored the vectors
    code, out, _ = run("echoes", path, "--json", "--draft", "Chapter 2")
    assert code == 0 and len(json.loads(out)) == 1


def test_a_missing_or_locked_project_or_unknown_draft_is_a_message(tmp_path, monkeypatch, capsys):
    from cardwriter.embedding.fake_embedder import FakeEmbedder

    monkeypatch.setattr(echo_commands, "open_echo_embedder", FakeEmbedder)
    assert main(["echoes", str(tmp_path / "nope.cardwriter")]) == 1
    err = capsys.readouterr().err
    assert "nope.cardwriter" in err and "Traceback" not in err
    path = tmp_path / "p.cardwriter"
    make_project(path)
    assert main(["echoes", str(path), "--draft", "No such draft"]) == 1
    err = capsys.readouterr().err
    assert "No such draft" in err and "Traceback" not in err
    with Project.open(path):
        assert main(["echoes", str(path)]) == 1
    err = capsys.readouterr().err
    assert "in use" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        main(["echoes", str(path), "--min-similarity", "2"])
    assert exc.value.code == 2 and "from -1 to 1" in capsys.readouterr().err
