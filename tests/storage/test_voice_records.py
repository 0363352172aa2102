"""Voice records in a real project file: attribution letters, the "mine" mark, the meter's history; v3 -> v4."""

from __future__ import annotations

from cardwriter.domain.model import Card, Draft
from cardwriter.storage.project import Project
from cardwriter.storage.schema import SCHEMA_VERSION
from tests.storage.old_files import file_at_version


def write_version_3_file(path):
    """A project file exactly as the version 3 schema made it: a draft with two cards."""
    with file_at_version(path, 3) as db:
        db["drafts"].insert({"id": "d1", "title": "Three", "leading": "", "position": 0, "created": "2026-01-01"})
        db["cards"].insert(
            {"id": "c1", "draft_id": "d1", "position": 0, "text": "My own words here.", "separator": "\n\n"}
        )
        db["cards"].insert({"id": "c2", "draft_id": "d1", "position": 1, "text": "Second card.", "separator": "\n"})
        db["session_target"].insert({"id": 1, "words": 300})


def test_a_version_3_file_gains_voice_records_and_keeps_everything(tmp_path):
    path = tmp_path / "v3.cardwriter"
    write_version_3_file(path)
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert project.load_draft("d1").text() == "My own words here.\n\nSecond card.\n"
        assert project.session_target() == 300
        assert project.card_origins(["c1", "c2"]) == {}  # old cards: no letters, they count as the writer's
        assert project.voice_points("d1") == []
        project.set_card_origins("c1", "wwmm")
        project.set_mine("c2", True)
        project.add_voice_point("d1", 0.5, 1.7, at="2026-02-01T00:00:00")
        assert project.integrity_check() == "ok"
    with Project.open(path) as project:
        assert project.card_origins(["c1", "c2"]) == {"c1": "wwmm", "c2": ""}
        assert project.mine_cards(["c1", "c2"]) == {"c2"}
        [point] = project.voice_points("d1")
        assert (point.at, point.model_share, point.distance) == ("2026-02-01T00:00:00", 0.5, 1.7)


def test_voice_records_go_with_their_card_and_draft(tmp_path):
    with Project.create(tmp_path / "p.cardwriter") as project:
        draft = Draft("D", cards=[Card("a b"), Card("c d")])
        project.add_draft(draft)
        first, second = draft.cards
        project.set_card_origins(first.id, "wm")
        project.set_card_origins(second.id, "mm")
        project.set_mine(first.id, True)  # keeps its letters
        assert project.card_origins([first.id]) == {first.id: "wm"}
        project.add_voice_point(draft.id, 0.75, None)
        project.delete_card(second.id)
        assert project.card_origins([first.id, second.id]) == {first.id: "wm"}
        project.delete_draft(draft.id)
        assert project.card_origins([first.id]) == {} and project.voice_points(draft.id) == []
