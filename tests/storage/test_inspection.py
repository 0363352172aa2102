"""Files Cardwriter refuses stay byte for byte as they were, -wal and -shm included."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import ProjectError
from cardwriter.storage.header import APPLICATION_ID
from cardwriter.storage.project import Project
from cardwriter.storage.schema import SCHEMA_VERSION
from tests.support import fingerprint


def snapshot(path: Path) -> dict[str, str]:
    """Every file of the project's family in its folder, with a hash of its bytes."""
    return {p.name: fingerprint(p) for p in sorted(path.parent.iterdir()) if p.name.startswith(path.name)}


def leave_pending_wal(path: Path, statements: str, exclusive: bool) -> None:
    """Another program writes to ``path`` and dies before checkpointing: its changes are only in the -wal."""
    mode = "EXCLUSIVE" if exclusive else "NORMAL"
    script = textwrap.dedent(
        f"""
        import os, sqlite3
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("PRAGMA locking_mode = {mode}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        for statement in {statements!r}.split(";"):
            if statement.strip():
                conn.execute(statement)
        os._exit(0)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert Path(f"{path}-wal").stat().st_size > 0


@pytest.mark.parametrize("exclusive", [False, True], ids=["with-shm", "without-shm"])
@pytest.mark.parametrize(
    "statements, phrase",
    [
        ("CREATE TABLE t (x); INSERT INTO t VALUES (1); PRAGMA application_id = 7", "another application"),
        (f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION + 3}", "newer version"),
    ],
    ids=["foreign", "newer"],
)
def test_refused_file_with_a_pending_wal_is_not_changed(tmp_path, statements, phrase, exclusive):
    path = tmp_path / "refused.cardwriter"
    leave_pending_wal(path, statements, exclusive)
    before = snapshot(path)
    with pytest.raises(ProjectError, match=phrase):
        Project.open(path)
    assert snapshot(path) == before, "the -wal must not be merged into the file, nor any file added"


def test_refused_project_of_ours_with_newer_version_in_the_wal_is_not_changed(project_path):
    leave_pending_wal(project_path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}", exclusive=True)
    before = snapshot(project_path)
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(project_path)
    assert snapshot(project_path) == before


def test_a_pending_wal_of_our_own_is_applied_on_open(project_path):
    leave_pending_wal(project_path, "UPDATE cards SET text = 'Changed in the WAL.' WHERE position = 0", exclusive=True)
    with Project.open(project_path) as project:
        assert project.load_drafts()[0].cards[0].text == "Changed in the WAL."


@pytest.mark.parametrize("version", [-1, -(2**31), 0, 2**31 - 1])
def test_odd_schema_versions_are_refused_with_a_message(project_path, version):
    conn = sqlite3.connect(project_path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    before = snapshot(project_path)
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    assert str(project_path) in str(caught.value) and str(version) in str(caught.value)
    assert snapshot(project_path) == before


def test_opening_through_a_symlink_keeps_the_link(project_path, tmp_path):
    link = tmp_path / "link.cardwriter"
    link.symlink_to(project_path)
    with Project.open(link) as project:
        project.set_card_text(project.card_ids(project.drafts()[0].id)[0], "Through the link.")
    assert link.is_symlink()
    with Project.open(project_path) as project:
        assert project.load_drafts()[0].cards[0].text == "Through the link."


def test_creating_through_a_dangling_symlink_creates_the_target(tmp_path):
    target = tmp_path / "real" / "novel.cardwriter"
    target.parent.mkdir()
    link = tmp_path / "novel.cardwriter"
    link.symlink_to(target)
    with Project.create(link) as project:
        project.add_draft(draft_from_text("D", "Text.\n"))
    assert link.is_symlink() and target.is_file()
    assert not os.path.lexists(tmp_path / "novel.cardwriter-wal")


def test_a_failed_create_through_a_dangling_symlink_keeps_the_link(tmp_path):
    link = tmp_path / "novel.cardwriter"
    link.symlink_to(tmp_path / "missing-folder" / "novel.cardwriter")
    with pytest.raises(ProjectError, match="does not exist"):
        Project.create(link)
    assert link.is_symlink()


def test_a_device_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="not a regular file"):
        Project.open(Path("/dev/zero"))
