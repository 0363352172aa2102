"""Migrations on real files: a project written by the version 1 schema opens in this version."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from cardwriter.errors import ProjectError
from cardwriter.storage import project_file, schema
from cardwriter.storage.header import APPLICATION_ID
from cardwriter.storage.project import Project
from cardwriter.storage.schema import MIGRATIONS, SCHEMA_VERSION
from tests.storage.old_files import file_at_version
from tests.support import fingerprint


def write_version_1_file(path):
    """A project file exactly as Cardwriter's version 1 schema made it, with a draft, a card, a note and a setting."""
    with file_at_version(path, 1) as db:
        db["settings"].insert({"key": "variants_shown", "value": "3"})
        db["drafts"].insert(
            {"id": "d1", "title": "Old draft", "leading": "\ufeff", "position": 0, "created": "2026-01-01"}
        )
        db["cards"].insert({"id": "c1", "draft_id": "d1", "position": 0, "text": "An old card.", "separator": "\n"})
        db["notes"].insert(
            {"id": "n1", "text": "An old note.", "source": "me", "tags": '["old"]', "created": "2026-01-01"}
        )


def tables(db) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_version_1_file_loses_its_unused_settings_table_and_keeps_everything_else(tmp_path):
    path = tmp_path / "old.cardwriter"
    write_version_1_file(path)
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "settings" not in tables(project.db)
        draft = project.load_draft("d1")
        assert (draft.title, draft.leading, draft.text()) == ("Old draft", "\ufeff", "\ufeffAn old card.\n")
        assert [(n.id, n.text, n.tags) for n in project.notes()] == [("n1", "An old note.", ("old",))]
        assert project.integrity_check() == "ok"
    with Project.open(path) as project:  # once migrated, opening again changes nothing
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_new_file_is_made_at_the_current_version_without_settings(tmp_path):
    with Project.create(tmp_path / "new.cardwriter") as project:
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert tables(project.db) >= {"drafts", "cards", "variants", "notes", "embeddings"}
        assert "settings" not in tables(project.db)


def write_version_2_file(path):
    """A project file exactly as the version 2 schema made it: one draft, one card, a note."""
    with file_at_version(path, 2) as db:
        db["drafts"].insert({"id": "d1", "title": "Draft two", "leading": "", "position": 0, "created": "2026-01-01"})
        db["cards"].insert({"id": "c1", "draft_id": "d1", "position": 0, "text": "Teh keeper.", "separator": "\n"})


def test_version_2_file_gains_a_dictionary_and_a_session_target(tmp_path):
    path = tmp_path / "v2.cardwriter"
    write_version_2_file(path)
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"dictionary_words", "session_target"} <= tables(project.db)
        assert project.load_draft("d1").cards[0].text == "Teh keeper."
        assert project.dictionary_words() == [] and project.session_target() == 0
        project.add_dictionary_word("Woolf")
        project.add_dictionary_word("Woolf")
        project.set_session_target(500)
        assert project.integrity_check() == "ok"
    with Project.open(path) as project:
        assert project.dictionary_words() == ["Woolf"]
        assert project.session_target() == 500
        project.set_session_target(0)
        assert project.session_target() == 0


def write_version_3_file(path, *, journal_mode: str = "DELETE", extra_sql: str = ""):
    """A format-3 project, in the journal mode given, with a draft and a card; ``extra_sql`` runs inside it."""
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    db.execute(f"PRAGMA journal_mode = {journal_mode}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with db.conn:
        for version in range(3):
            MIGRATIONS[version](db)
        db.execute("PRAGMA user_version = 3")
        db["drafts"].insert({"id": "d1", "title": "Draft three", "leading": "", "position": 0, "created": "2026-01-01"})
        db["cards"].insert({"id": "c1", "draft_id": "d1", "position": 0, "text": "A kept card.", "separator": "\n"})
        if extra_sql:
            db.execute(extra_sql)
    if journal_mode.upper() == "WAL":
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def folder_bytes(folder) -> dict[str, str]:
    """Every file in ``folder`` by name, with a hash of its bytes: companions appearing count as a change."""
    return {p.name: fingerprint(p) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("journal_mode", ["DELETE", "WAL"])
def test_a_migration_that_would_fail_refuses_the_file_byte_for_byte_as_it_was(tmp_path, journal_mode):
    """Issue 25: a format-3 file in rollback-journal mode came back refused but already marked WAL."""
    path = tmp_path / "old.cardwriter"
    # A table of that name already there: migration 3 to 4 cannot create it.
    write_version_3_file(path, journal_mode=journal_mode, extra_sql="CREATE TABLE voice_points (x)")
    before = folder_bytes(tmp_path)
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    assert folder_bytes(tmp_path) == before
    message = str(caught.value)
    assert str(path) in message and "voice_points already exists" in message
    assert "left as it was" in message


def test_a_migration_failing_on_the_file_itself_is_rolled_back_before_the_switch_to_wal(tmp_path, monkeypatch):
    """The trial on a copy passed, then the real migration failed (a full disk, say): nothing of it stays."""
    path = tmp_path / "old.cardwriter"
    write_version_3_file(path)
    before = folder_bytes(tmp_path)
    calls = []

    def migrate_then_fail(db, from_version):
        calls.append(from_version)
        if len(calls) == 1:  # the trial, in memory
            return schema.migrate(db, from_version)
        with db.atomic():
            MIGRATIONS[3](db)
            db.execute("UPDATE cards SET text = 'changed'")
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(project_file, "migrate", migrate_then_fail)
    with pytest.raises(ProjectError, match="the disk is full"):
        Project.open(path)
    assert calls == [3, 3]
    assert folder_bytes(tmp_path) == before


def test_a_format_3_file_in_rollback_journal_mode_is_migrated_and_then_switched_to_wal(tmp_path):
    path = tmp_path / "old.cardwriter"
    write_version_3_file(path)
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert project.load_draft("d1").cards[0].text == "A kept card."
        assert project.integrity_check() == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.cardwriter"]


def test_a_migration_that_would_fail_is_tried_on_a_copy_when_the_file_has_a_pending_log(tmp_path):
    """A crash left the clashing table in the -wal: the trial runs on a private copy, the -wal stays as it was."""
    path = tmp_path / "old.cardwriter"
    write_version_3_file(path, journal_mode="WAL")
    script = (
        "import os, sqlite3\n"
        f"conn = sqlite3.connect({str(path)!r})\n"
        "conn.execute('PRAGMA wal_autocheckpoint=0')\n"
        "conn.execute('CREATE TABLE voice_points (x)')\n"
        "conn.commit()\n"
        "os._exit(0)  # no checkpoint on close\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert Path(f"{path}-wal").stat().st_size > 0
    before = folder_bytes(tmp_path)
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    assert folder_bytes(tmp_path) == before
    assert "voice_points already exists; the file was left as it was" in str(caught.value)
