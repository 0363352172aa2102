"""Unsaved text survives in a recovery file and goes back into the project."""

from __future__ import annotations

import json
import os

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import SaveFailed, UserError
from cardwriter.services.recovery import RecoveryJournal
from cardwriter.storage.project import Project


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "novel.cardwriter") as project:
        project.add_draft(draft_from_text("Novel", "One.\n\nTwo.\n\nThree.\n"))
        yield project


def test_saved_texts_are_pending_then_applied_and_cleared(project, tmp_path):
    journal = RecoveryJournal(tmp_path / "recovery")
    draft_id = project.drafts()[0].id
    first, second, _ = project.card_ids(draft_id)
    journal.save(project.path, {first: "Unsaved one."}, draft_id)
    journal.save(project.path, {first: "Unsaved one, later.", second: "Unsaved two."}, draft_id)
    pending = journal.pending(project.path)
    assert {e.card_id: e.text for e in pending} == {first: "Unsaved one, later.", second: "Unsaved two."}
    data = json.loads(journal.file_for(project.path).read_text())
    assert data["project"] == os.path.realpath(project.path)
    applied = journal.apply(project)
    assert sorted(applied.restored) == sorted([first, second])
    texts = [c.text for c in project.load_draft(draft_id).cards]
    assert texts == ["Unsaved one, later.", "Unsaved two.", "Three."]
    assert journal.pending(project.path) == [] and not journal.file_for(project.path).exists()


def test_a_deleted_card_comes_back_at_the_end_and_a_deleted_draft_as_a_note(project, tmp_path):
    journal = RecoveryJournal(tmp_path / "recovery")
    draft_id = project.drafts()[0].id
    first = project.card_ids(draft_id)[0]
    journal.save(project.path, {first: "Rescued paragraph."}, draft_id)
    journal.save(project.path, {"gone-card": "From a draft that is gone."}, "gone-draft")
    project.delete_card(first)
    applied = journal.apply(project)
    assert len(applied.new_cards) == 1 and len(applied.new_notes) == 1
    assert [c.text for c in project.load_draft(draft_id).cards][-1] == "Rescued paragraph."
    assert [n.text for n in project.notes()] == ["From a draft that is gone."]


def test_recovery_files_are_per_project_and_in_the_user_data_folder(project, tmp_path):
    journal = RecoveryJournal()
    assert str(journal.folder).startswith(os.environ["XDG_DATA_HOME"])
    journal.save(project.path, {"c": "x"})
    assert RecoveryJournal().pending(tmp_path / "other.cardwriter") == []
    journal.discard(project.path)
    assert journal.pending(project.path) == []


def test_a_failed_apply_keeps_the_recovery_file(tmp_path):
    from tests.tmpfs import fill, free, small_disk

    journal = RecoveryJournal(tmp_path / "recovery")
    with small_disk(tmp_path / "disk") as disk, Project.create(disk / "p.cardwriter") as project:
        project.add_draft(draft_from_text("D", "Short.\n"))
        draft_id = project.drafts()[0].id
        card_id = project.card_ids(draft_id)[0]
        big = "A long unsaved paragraph. " * 40_000
        journal.save(project.path, {card_id: big}, draft_id)
        filler = fill(disk)
        with pytest.raises(SaveFailed):
            journal.apply(project)
        assert journal.pending(project.path)[0].text == big
        assert project.load_draft(draft_id).cards[0].text == "Short."
        free(filler)
        journal.apply(project)
        assert project.load_draft(draft_id).cards[0].text == big
        assert journal.pending(project.path) == []


def test_a_damaged_recovery_file_is_a_message_and_is_kept(project, tmp_path):
    journal = RecoveryJournal(tmp_path / "recovery")
    journal.save(project.path, {"c": "x"})
    path = journal.file_for(project.path)
    path.write_text("{ damaged")
    with pytest.raises(UserError, match="damaged"):
        journal.pending(project.path)
    assert path.read_text() == "{ damaged"
