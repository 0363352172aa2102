"""Migrations on real files: a project written by the version 1 schema opens in this version."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from cardwriter.storage.header import APPLICATION_ID
from cardwriter.storage.project import Project
from cardwriter.storage.schema import MIGRATIONS, SCHEMA_VERSION


def write_version_1_file(path):
    """A project file exactly as Cardwriter's version 1 schema made it, with a draft, a card, a note and a setting."""
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with db.conn:
        MIGRATIONS[0](db)
        db.execute("PRAGMA user_version = 1")
        db["settings"].insert({"key": "variants_shown", "value": "3"})
        db["drafts"].insert(
            {"id": "d1", "title": "Old draft", "leading": "\ufeff", "position": 0, "created": "2026-01-01"}
        )
        db["cards"].insert({"id": "c1", "draft_id": "d1", "position": 0, "text": "An old card.", "separator": "\n"})
        db["notes"].insert(
            {"id": "n1", "text": "An old note.", "source": "me", "tags": '["old"]', "created": "2026-01-01"}
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def tables(db) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_version_1_file_loses_its_unused_settings_table_and_keeps_everything_else(tmp_path):
    path = tmp_path / "old.cardwriter"
    write_version_1_file(path)
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
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
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with db.conn:
        MIGRATIONS[0](db)
        MIGRATIONS[1](db)
        db.execute("PRAGMA user_version = 2")
        db["drafts"].insert({"id": "d1", "title": "Draft two", "leading": "", "position": 0, "created": "2026-01-01"})
        db["cards"].insert({"id": "c1", "draft_id": "d1", "position": 0, "text": "Teh keeper.", "separator": "\n"})
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


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
