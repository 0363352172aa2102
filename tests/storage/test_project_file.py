"""Bad project files are refused with a clear message, and never changed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cardwriter.errors import ProjectError
from cardwriter.storage.header import APPLICATION_ID
from cardwriter.storage.project import Project
from cardwriter.storage.schema import SCHEMA_VERSION
from tests.support import fingerprint, run_as_unprivileged


def refuse(path: Path, *phrases: str) -> str:
    before = fingerprint(path)
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    message = str(caught.value)
    assert str(path) in message
    for phrase in phrases:
        assert phrase in message
    assert fingerprint(path) == before, "a refused file must be left byte for byte as it was"
    return message


def test_new_project_has_schema_wal_and_identity(tmp_path):
    path = tmp_path / "p.cardwriter"
    with Project.create(path) as project:
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert project.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    with Project.open(path) as project:
        assert project.drafts() == []


def test_creating_over_an_existing_file_is_refused(project_path):
    before = fingerprint(project_path)
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(project_path)
    assert fingerprint(project_path) == before


def test_missing_file(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(tmp_path / "nope.cardwriter")


def test_text_file_is_not_a_project(tmp_path):
    path = tmp_path / "notes.cardwriter"
    path.write_text("Dear diary, " * 50)
    refuse(path, "not a Cardwriter project")


def test_empty_file_is_not_a_project(tmp_path):
    path = tmp_path / "empty.cardwriter"
    path.write_bytes(b"")
    refuse(path, "empty")


def test_another_applications_database(tmp_path):
    path = tmp_path / "other.cardwriter"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    refuse(path, "another application")


def test_truncated_project(project_path):
    data = project_path.read_bytes()
    project_path.write_bytes(data[: len(data) // 2])
    refuse(project_path, "damaged", "cut short")


def test_corrupt_pages(project_path):
    data = bytearray(project_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(page_size, len(data), 7):  # scribble over every page but the header's
        data[offset] = (data[offset] * 31 + 7) % 256
    project_path.write_bytes(bytes(data))
    refuse(project_path, "damaged")


def test_a_failed_integrity_check_is_one_line(project_path):
    data = project_path.read_bytes()
    random = bytes((i * 193 + (i >> 8) * 71 + 13) % 256 for i in range(len(data) - 4096))  # no page SQLite can read
    project_path.write_bytes(data[:4096] + random)
    message = refuse(project_path, "integrity check failed", "more problems")
    assert "\n" not in message and "***" not in message
    assert message.count("Page ") == 1


def test_newer_schema_version(project_path):
    conn = sqlite3.connect(project_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    refuse(project_path, "newer version of Cardwriter", "update Cardwriter")


def test_newer_schema_version_still_in_the_wal(project_path):
    """A newer app that crashed before checkpointing leaves its header in the WAL file."""
    script = textwrap.dedent(
        f"""
        import os, sqlite3
        conn = sqlite3.connect({str(project_path)!r})
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("PRAGMA user_version = {SCHEMA_VERSION + 5}")
        conn.commit()
        os._exit(0)  # no checkpoint on close
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert Path(f"{project_path}-wal").stat().st_size > 0
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(project_path)


def test_project_in_use_by_another_process(project_path):
    holder = Project.open(project_path)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "cardwriter", "show", str(project_path)], capture_output=True, text=True
        )
        assert result.returncode == 1
        assert "in use" in result.stderr and str(project_path) in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.close()
    with Project.open(project_path) as project:  # free again once the holder closes
        assert len(project.drafts()) == 1


def test_read_only_file(project_path, own_folder):
    path = own_folder / project_path.name
    shutil.copy(project_path, path)
    path.chmod(0o444)
    before = fingerprint(path)
    result = run_as_unprivileged(f"from cardwriter.storage.project import Project\nProject.open({str(path)!r})")
    assert result.returncode != 0
    assert "ProjectError" in result.stderr and "read-only" in result.stderr and str(path) in result.stderr
    assert fingerprint(path) == before


def test_read_only_folder(project_path, own_folder):
    path = own_folder / project_path.name
    shutil.copy(project_path, path)
    path.chmod(0o666)
    own_folder.chmod(0o555)
    before = fingerprint(path)
    result = run_as_unprivileged(f"from cardwriter.storage.project import Project\nProject.open({str(path)!r})")
    assert result.returncode != 0
    assert "read-only" in result.stderr and str(own_folder) in result.stderr
    assert fingerprint(path) == before
    assert sorted(os.listdir(own_folder)) == [path.name]


def test_creating_in_a_read_only_folder(own_folder):
    own_folder.chmod(0o555)
    target = own_folder / "new.cardwriter"
    result = run_as_unprivileged(f"from cardwriter.storage.project import Project\nProject.create({str(target)!r})")
    assert "read-only" in result.stderr
    assert not target.exists()


def test_project_reopens_after_its_process_is_killed(project_path):
    script = textwrap.dedent(
        f"""
        import os
        from cardwriter.storage.project import Project
        p = Project.open({str(project_path)!r})
        draft = p.drafts()[0]
        p.set_card_text(p.card_ids(draft.id)[0], "Edited before the crash.")
        os.kill(os.getpid(), 9)
        """
    )
    subprocess.run([sys.executable, "-c", script])
    with Project.open(project_path) as project:
        draft = project.load_draft(project.drafts()[0].id)
        assert draft.cards[0].text == "Edited before the crash."
        assert project.integrity_check() == "ok"
