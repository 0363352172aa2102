"""``cardwriter voice``: the meter of a real project, as text, JSON and a PNG plot."""

from __future__ import annotations

import json

from PySide6.QtGui import QImage

from cardwriter.cli import main
from cardwriter.domain.model import Card, Draft, Provenance, Variant, VariantKind
from cardwriter.services import voice_meter
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.project import Project

from ..support import MINE, ORNATE


def make_project(path):
    project = Project.create(path)
    draft = Draft("Cold", cards=[Card(t) for t in MINE] + [Card("He read the letter. Then he burned it.")])
    project.add_draft(draft)
    session = DraftSession(project, draft.id)
    session.add_accept_listener(lambda draft_id: voice_meter.record_point(project, draft_id))
    last = draft.cards[-1].id
    variant = Variant(text=ORNATE, provenance=Provenance(kind=VariantKind.RESTYLE))
    session.add_variants(last, [variant])
    session.accept(last, variant.id)
    project.close()
    # "the" is in both texts: the writer's word stays theirs
    return len(ORNATE.split()) - 1, sum(len(t.split()) for t in MINE) + len(ORNATE.split())


def test_voice_reports_the_model_share_and_a_far_distance(tmp_path, capsys):
    path = tmp_path / "p.cardwriter"
    model_words, words = make_project(path)
    assert main(["voice", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["words"] == words and data["model_words"] == model_words
    assert data["baseline_paragraphs"] == 4
    assert data["distance"] > 1.5  # ornate prose is far from four terse paragraphs
    assert len(data["history"]) == 1 and round(data["history"][0]["model_share"], 4) == data["model_share"]


def test_voice_plot_writes_a_png_and_a_missing_draft_is_a_message(tmp_path, capsys):
    path = tmp_path / "p.cardwriter"
    make_project(path)
    out = tmp_path / "voice.png"
    assert main(["voice", str(path), "--draft", "Cold", "--plot", str(out)]) == 0
    assert "words from the model" in capsys.readouterr().out
    image = QImage(str(out))
    assert (image.width(), image.height()) == (640, 320)
    assert main(["voice", str(path), "--draft", "Warm"]) == 1
    assert "no draft called 'Warm'" in capsys.readouterr().err


def test_voice_refuses_a_title_two_drafts_share_and_reports_the_id(tmp_path, capsys):
    path = tmp_path / "p.cardwriter"
    make_project(path)
    with Project.open(path) as project:
        project.add_draft(Draft("Other", cards=[Card("A line of mine.")]))
        project.db.execute("UPDATE drafts SET title = 'Cold'")  # a project from before titles were unique
        project.db.conn.commit()
        ids = [d.id for d in project.drafts()]
    assert main(["voice", str(path), "--draft", "Cold"]) == 1
    err = capsys.readouterr().err
    assert "2 drafts called 'Cold'" in err and ids[0] in err and ids[1] in err
    assert main(["voice", str(path), "--draft", ids[1], "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["draft_id"] == ids[1] and data["words"] == 4


def test_a_plot_onto_the_project_is_refused_without_suggesting_text_names(tmp_path, capsys):
    path = tmp_path / "p.cardwriter"
    make_project(path)
    assert main(["voice", str(path), "--plot", str(path)]) == 1
    err = capsys.readouterr().err
    assert "will not write over" in err and ".md" not in err and ".json" not in err
