"""A write that fails on a real full disk says so, loses nothing, and can be retried."""

from __future__ import annotations

import os

import pytest

from cardwriter.domain.model import Note
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import SaveFailed
from cardwriter.services.backup import back_up
from cardwriter.storage.project import Project
from tests.tmpfs import fill, free

PAGE = "A sentence that fills the page a little more each time. " * 40


def test_disk_full_raises_save_failed_and_the_retry_succeeds(disk):
    path = disk / "novel.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Novel", "One.\n\nTwo.\n"))
        draft_id = project.drafts()[0].id
        card_id = project.card_ids(draft_id)[0]
        filler = fill(disk)
        with pytest.raises(SaveFailed) as caught:
            for _ in range(200):  # the WAL may still hold a little room
                project.set_card_text(card_id, PAGE + os.urandom(8).hex())
                project.add_notes([Note(PAGE)])
        message = str(caught.value)
        assert str(path) in message and "disk is full" in message and "free some space" in message
        assert message.endswith("your text is kept until it can be saved")  # the app keeps it
        assert caught.value.unchanged == message.replace(
            "your text is kept until it can be saved", "nothing was saved and the project is unchanged"
        )  # the command line keeps nothing
        assert not project.db.conn.in_transaction, "the failed transaction must be rolled back"
        free(filler)
        project.set_card_text(card_id, "Saved after freeing space.")  # the same call, retried
    with Project.open(path) as project:
        draft = project.load_draft(project.drafts()[0].id)
        assert draft.cards[0].text == "Saved after freeing space."
        assert project.integrity_check() == "ok"


def test_a_project_whose_last_writes_failed_opens_with_everything_committed(disk):
    """Issue 9.1: a checkpoint cut short by a full disk left the main file shorter than its header says."""
    path = disk / "notes.cardwriter"
    saved = []
    project = Project.create(path)
    try:
        for i in range(10_000):
            note = Note(f"{i} {PAGE}{os.urandom(200).hex()}")
            project.add_notes([note])
            saved.append(note.text)
    except SaveFailed:
        pass
    finally:
        project.close()
    assert len(saved) > 5
    with Project.open(path) as project:  # was: "is damaged: it is cut short"
        assert [n.text for n in project.notes()] == saved
        assert project.integrity_check() == "ok"


def test_a_removed_file_is_a_save_failure_not_a_crash(tmp_path):
    path = tmp_path / "gone.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("D", "Text.\n"))
        card_id = project.card_ids(project.drafts()[0].id)[0]
        os.rename(path, tmp_path / "moved.cardwriter")
        with pytest.raises(SaveFailed, match="moved or deleted"):
            project.set_card_text(card_id, "Edited.")
        assert not project.db.conn.in_transaction


def test_constraint_errors_are_not_save_failures(tmp_path):
    import sqlite3

    with Project.create(tmp_path / "p.cardwriter") as project:
        project.add_notes([Note("x", id="same")])
        with pytest.raises(sqlite3.IntegrityError):
            project.add_notes([Note("y", id="same")])
        assert [n.text for n in project.notes()] == ["x"]


def test_a_deleted_file_is_a_save_failure_not_silent_loss(tmp_path):
    path = tmp_path / "gone.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("D", "Text.\n"))
        card_id = project.card_ids(project.drafts()[0].id)[0]
        os.unlink(path)
        with pytest.raises(SaveFailed, match="moved or deleted"):
            project.set_card_text(card_id, "Edited.")
        back_up(project, tmp_path / "rescued.cardwriter")  # what was saved can still be rescued
    with Project.open(tmp_path / "rescued.cardwriter") as rescued:
        assert rescued.load_drafts()[0].cards[0].text == "Text."
