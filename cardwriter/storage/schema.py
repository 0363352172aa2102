"""The project file's tables and the migrations between their versions.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[n]`` takes a
file from version ``n`` to ``n + 1``; a new file runs them all. A file whose
version is above ``SCHEMA_VERSION`` was written by a newer Cardwriter and is
refused, untouched.

Version history:

1. drafts, cards, variants, notes, embeddings, and a ``settings`` table.
2. ``settings`` dropped: nothing ever read it. The writer's preferences live in the
   app's settings (QSettings), not in the project file.
3. ``dictionary_words``: the words the writer added to the project's dictionary
   (spelling); ``session_target``: the session word target (one row at most).
4. ``card_origins``: who wrote each card's words (one letter per word) and the
   "mine" mark; ``voice_points``: the voice meter's history, one row per acceptance.
5. ``acceptances``: when each variant was accepted into its card (the tree of tries);
   ``dismissed_links``: link cards the writer marked "Not relevant" for a card.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

SCHEMA_VERSION = 5


_V1 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL                 -- JSON
);
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    leading TEXT NOT NULL,              -- byte order mark, blank lines before the first card
    position INTEGER NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE cards (
    id TEXT PRIMARY KEY,
    draft_id TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    separator TEXT NOT NULL             -- the exact whitespace after the paragraph
);
CREATE INDEX cards_by_draft ON cards(draft_id, position);
CREATE TABLE variants (
    id TEXT PRIMARY KEY,
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    angle TEXT,
    model TEXT,
    preset TEXT,
    seed INTEGER,
    parent_id TEXT,                     -- the variant it was refined from (may be gone)
    note_ids TEXT NOT NULL,             -- JSON list of note ids fused into it
    created TEXT NOT NULL
);
CREATE INDEX variants_by_card ON variants(card_id, position);
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    tags TEXT NOT NULL,                 -- JSON list
    created TEXT NOT NULL
);
CREATE TABLE embeddings (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,            -- sha256 of the text
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,               -- float32, little-endian
    PRIMARY KEY (model, text_hash)
);
"""


def _create_v1(db: sqlite_utils.Database) -> None:
    for statement in _V1.split(";"):
        if statement.strip():
            db.execute(statement)


def _drop_settings(db: sqlite_utils.Database) -> None:
    db.execute("DROP TABLE IF EXISTS settings")


def _add_writing_aids(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE dictionary_words (word TEXT PRIMARY KEY, added TEXT NOT NULL)")
    db.execute("CREATE TABLE session_target (id INTEGER PRIMARY KEY CHECK (id = 1), words INTEGER NOT NULL)")


def _add_voice_records(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE card_origins (
               card_id TEXT PRIMARY KEY REFERENCES cards(id) ON DELETE CASCADE,
               origins TEXT NOT NULL,           -- one letter per word: w writer, m model
               mine INTEGER NOT NULL DEFAULT 0  -- the writer's own, whatever was accepted
           )"""
    )
    db.execute(
        """CREATE TABLE voice_points (
               id INTEGER PRIMARY KEY,
               draft_id TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
               at TEXT NOT NULL,
               model_share REAL NOT NULL,
               distance REAL                    -- NULL while the writer has too few paragraphs of their own
           )"""
    )
    db.execute("CREATE INDEX voice_points_by_draft ON voice_points(draft_id, id)")


def _add_stack_records(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE acceptances (
               id INTEGER PRIMARY KEY,
               card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
               variant_id TEXT NOT NULL,
               at TEXT NOT NULL
           )"""
    )
    db.execute("CREATE INDEX acceptances_by_card ON acceptances(card_id, id)")
    db.execute(
        """CREATE TABLE dismissed_links (
               card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
               target_id TEXT NOT NULL,         -- a note's id, or another card's (an echo)
               at TEXT NOT NULL,
               PRIMARY KEY (card_id, target_id)
           )"""
    )


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    0: _create_v1,
    1: _drop_settings,
    2: _add_writing_aids,
    3: _add_voice_records,
    4: _add_stack_records,
}


def migrate(db: sqlite_utils.Database, from_version: int) -> None:
    """Bring a file at ``from_version`` up to SCHEMA_VERSION in one transaction."""
    with db.atomic():
        for version in range(from_version, SCHEMA_VERSION):
            MIGRATIONS[version](db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
