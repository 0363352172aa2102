"""Whatever a project file holds where text belongs, the app above is handed ``str``."""

from __future__ import annotations

import sqlite3

import pytest

from cardwriter.storage.project import Project


@pytest.mark.parametrize(
    "stored, shown, repaired",
    [
        ("CAST(X'48E96C6C6F' AS TEXT)", "H\ufffdllo", True),  # invalid UTF-8 stored as TEXT
        ("X'48656C6C6F'", "Hello", True),  # a BLOB
        ("42", "42", False),  # an integer (the column's TEXT affinity stores it as text)
        ("4.5", "4.5", False),  # a real
    ],
    ids=["bad-utf8-text", "blob", "integer", "real"],
)
def test_card_text_that_is_not_text_is_shown_as_text_and_reported(project_path, stored, shown, repaired):
    conn = sqlite3.connect(project_path)
    conn.execute(f"UPDATE cards SET text = {stored}, separator = {stored} WHERE position = 0")
    conn.execute(f"UPDATE notes SET text = {stored}")
    conn.commit()
    conn.close()
    with Project.open(project_path) as project:
        draft = project.load_draft(project.drafts()[0].id)
        card = draft.cards[0]
        assert type(card.text) is str and card.text == shown
        assert type(card.separator) is str
        assert type(project.card(card.id).text) is str
        assert all(type(c.text) is str for c in draft.cards)
        assert bool(project.repairs) == repaired, "a repair must be reported"
        assert draft.text().startswith(shown)


def test_variants_and_notes_with_odd_values_load(project_path):
    conn = sqlite3.connect(project_path)
    card_id = conn.execute("SELECT id FROM cards WHERE position = 0").fetchone()[0]
    conn.execute(
        "INSERT INTO variants VALUES ('v1', ?, 0, X'FF', 'weird-state', 'weird-kind', 5, NULL, NULL, 'x', NULL, 'nolist', 7)",
        [card_id],
    )
    conn.execute("INSERT INTO notes VALUES ('n1', X'C3A9', 3, '[1, 2]', 'then')")
    conn.commit()
    conn.close()
    with Project.open(project_path) as project:
        variant = project.variants(card_id)[0]
        assert variant.text == "\ufffd" and variant.provenance.angle == "5" and variant.provenance.note_ids == ()
        assert variant.provenance.seed is None
        note = project.notes()[0]
        assert (note.text, note.source, note.tags) == ("é", "3", ("1", "2"))
        assert len(project.repairs) >= 4


def test_a_number_in_a_column_without_text_affinity_becomes_text():
    from cardwriter.storage.rows import TextReader, card_from_row

    reader = TextReader()
    card = card_from_row(reader, "c1", 42, None)
    assert (card.text, card.separator) == ("42", "")
    assert len(reader.repairs) == 2
