"""Backups are complete project files, never overwrite anything, and rotate."""

from __future__ import annotations

import os

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import UserError
from cardwriter.services import backup
from cardwriter.storage.project import Project


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "novel.cardwriter") as project:
        project.add_draft(draft_from_text("Novel", "One.\n\nTwo.\n"))
        yield project


def test_a_backup_holds_everything_committed_and_opens_as_a_project(project, tmp_path):
    card_id = project.card_ids(project.drafts()[0].id)[0]
    project.set_card_text(card_id, "Still in the write-ahead log.")
    assert os.path.getsize(f"{project.path}-wal") > 0
    dest = backup.back_up(project, tmp_path / "copy.cardwriter")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.cardwriter"]
    with Project.open(dest) as copy:
        assert copy.load_drafts()[0].cards[0].text == "Still in the write-ahead log."
        assert copy.integrity_check() == "ok"


def test_a_backup_never_overwrites(project, tmp_path):
    existing = tmp_path / "taken.cardwriter"
    existing.write_bytes(b"mine")
    for dest in (existing, project.path):
        with pytest.raises(UserError, match="already exists|onto itself"):
            backup.back_up(project, dest)
    assert existing.read_bytes() == b"mine"
    with pytest.raises(UserError, match="does not exist"):
        backup.back_up(project, tmp_path / "no" / "x.cardwriter")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_rotation_keeps_the_newest(project, tmp_path):
    folder = tmp_path / "backups"
    unrelated = folder / "other-20200101-000000.cardwriter"
    folder.mkdir()
    unrelated.write_bytes(b"not ours")
    written = [backup.rotate(project, folder, keep=3) for _ in range(5)]
    kept = backup.backups(project.path, folder)
    assert kept == list(reversed(written))[:3]
    assert unrelated.read_bytes() == b"not ours"
    for path in kept:
        with Project.open(path) as copy:
            assert len(copy.drafts()) == 1


def test_the_default_folder_is_per_project_in_the_user_data_folder(project, tmp_path):
    written = backup.rotate(project)
    folder = backup.default_backup_folder(project.path)
    assert written.parent == folder and str(folder).startswith(os.environ["XDG_DATA_HOME"])
    other = tmp_path / "elsewhere" / "novel.cardwriter"
    assert backup.default_backup_folder(other) != folder
    assert backup.backups(project.path) == [written]


def test_a_backup_onto_a_full_disk_leaves_nothing_behind(project, tmp_path):
    from tests.tmpfs import fill, small_disk

    with small_disk(tmp_path / "disk") as disk:
        fill(disk)
        with pytest.raises(UserError, match="disk is full"):
            backup.back_up(project, disk / "copy.cardwriter")
        assert sorted(os.listdir(disk)) == ["filler"]
