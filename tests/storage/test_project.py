"""Reading and writing drafts, cards, variants, notes and embeddings in a real project file."""

from __future__ import annotations

import sqlite3

import pytest

from cardwriter.domain.model import Card, Note, Provenance, Variant, VariantKind, VariantState
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import ProjectError
from cardwriter.storage.project import Project


@pytest.fixture
def project(project_path):
    with Project.open(project_path) as project:
        yield project


def texts(project, draft_id):
    return [c.text for c in project.load_draft(draft_id).cards]


def test_draft_survives_closing_and_reopening(project_path):
    with Project.open(project_path) as project:
        summary = project.drafts()[0]
        assert (summary.title, summary.card_count) == ("Novel", 3)
        assert project.load_draft(summary.id).text() == "One.\n\nTwo.\n\nThree.\n"


def test_insert_move_and_delete_keep_order(project):
    draft_id = project.drafts()[0].id
    project.insert_card(draft_id, 1, Card("One and a half."))
    assert texts(project, draft_id) == ["One.", "One and a half.", "Two.", "Three."]
    last = project.card_ids(draft_id)[-1]
    project.move_card(last, 0)
    assert texts(project, draft_id) == ["Three.", "One.", "One and a half.", "Two."]
    project.move_card(last, 99)
    assert texts(project, draft_id) == ["One.", "One and a half.", "Two.", "Three."]
    project.delete_card(project.card_ids(draft_id)[1])
    assert texts(project, draft_id) == ["One.", "Two.", "Three."]
    assert [project.card(c).position for c in project.card_ids(draft_id)] == [0, 1, 2]


def test_variants_keep_provenance_state_and_order(project):
    card_id = project.card_ids(project.drafts()[0].id)[0]
    made = [
        Variant(
            text=f"Variant {i}.",
            provenance=Provenance(
                kind=VariantKind.RESTYLE, angle="terser", model="smollm2", preset="bold", seed=i, note_ids=("n1",)
            ),
        )
        for i in range(3)
    ]
    project.add_variants(card_id, made)
    project.set_variant_state(made[1].id, VariantState.PINNED)
    loaded = project.variants(card_id)
    assert [v.text for v in loaded] == ["Variant 0.", "Variant 1.", "Variant 2."]
    assert loaded[1].state is VariantState.PINNED
    assert loaded[2].provenance == made[2].provenance
    draft = project.load_draft(project.drafts()[0].id)
    assert [v.id for v in draft.cards[0].variants] == [v.id for v in made]


def test_deleting_a_card_or_draft_takes_its_variants(project):
    draft_id = project.drafts()[0].id
    card_id = project.card_ids(draft_id)[0]
    project.add_variants(card_id, [Variant("v", Provenance(VariantKind.REWRITE))])
    project.delete_card(card_id)
    assert project.db.execute("SELECT COUNT(*) FROM variants").fetchone()[0] == 0
    project.delete_draft(draft_id)
    assert project.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 0


def test_a_failed_action_leaves_nothing_behind(project):
    draft_id = project.drafts()[0].id
    with pytest.raises(sqlite3.IntegrityError):
        with project.transaction():
            project.insert_card(draft_id, 0, Card("Half-done action."))
            project.add_notes([Note("same id", id="dup"), Note("same id again", id="dup")])
    assert texts(project, draft_id) == ["One.", "Two.", "Three."]
    assert project.notes() == []


def test_unknown_ids_are_clear_errors(project):
    with pytest.raises(ProjectError, match="no card"):
        project.set_card_text("missing", "x")
    with pytest.raises(ProjectError, match="no variant"):
        project.set_variant_state("missing", VariantState.PINNED)


def test_notes_and_embeddings(project):
    note = Note("It is a truth universally acknowledged.", source="Austen", tags=("opening",))
    project.add_notes([note])
    note.tags = ("opening", "irony")
    project.update_note(note)
    assert project.notes() == [note]
    vectors = {f"h{i}": i.to_bytes(2, "little") * 4 for i in range(700)}
    project.put_embeddings("minilm", vectors, dim=2)
    assert project.embeddings("minilm", ["h1", "h699", "nope"]) == {"h1": vectors["h1"], "h699": vectors["h699"]}
    assert project.embeddings("other-model", ["h1"]) == {}
    project.delete_note(note.id)
    assert project.notes() == []


def test_a_large_draft_round_trips(tmp_path):
    text = "".join(f"Paragraph number {i} of a long book.\n\n" for i in range(5000))
    path = tmp_path / "big.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Big", text))
    with Project.open(path) as project:
        draft = project.load_draft(project.drafts()[0].id)
        assert len(draft.cards) == 5000 and draft.text() == text


def test_a_new_draft_whose_title_is_taken_gets_the_next_free_number(project):
    for expected in ("Novel (2)", "Novel (3)"):
        draft = draft_from_text("Novel", "Again.\n")
        project.add_draft(draft)
        assert draft.title == expected
    assert [d.title for d in project.drafts()] == ["Novel", "Novel (2)", "Novel (3)"]


def test_renaming_to_a_title_another_draft_has_is_refused_here_too(project):
    other = draft_from_text("Sequel", "More.\n")
    project.add_draft(other)
    with pytest.raises(ProjectError, match="already has a draft called 'Novel'"):
        project.rename_draft(other.id, "Novel")
    project.rename_draft(other.id, "Sequel")  # its own title
    assert [d.title for d in project.drafts()] == ["Novel", "Sequel"]


def test_text_that_sqlite_cannot_hold_is_refused_with_a_message_and_saves_nothing(project):
    """Lone surrogates (a file name's bytes that were not UTF-8) would otherwise be a UnicodeEncodeError."""
    with pytest.raises(ProjectError, match=r"not valid Unicode \(U\+DCE9\).*nothing was saved"):
        project.add_notes([Note(text="kept?", source="caf\udce9.md")])
    with pytest.raises(ProjectError, match="not valid Unicode"):
        project.add_draft(draft_from_text("caf\udce9", "Lost.\n"))
    assert project.notes() == [] and [d.title for d in project.drafts()] == ["Novel"]
