"""Listing, renaming and deleting drafts in a real project file."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import Provenance, Variant, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import UserError
from cardwriter.services import drafts
from cardwriter.storage.project import Project


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "p.cardwriter"
    with Project.create(path) as project:
        first = draft_from_text("Chapter one", "One.\n\nTwo.\n")
        first.cards[0].variants.append(Variant("Uno.", Provenance(VariantKind.REWRITE)))
        project.add_draft(first)
        project.add_draft(draft_from_text("Chapter two", "Three.\n"))
    return path


def test_list_and_rename_are_saved(path):
    with Project.open(path) as project:
        assert [(d.title, d.card_count) for d in drafts.list_drafts(project)] == [
            ("Chapter one", 2),
            ("Chapter two", 1),
        ]
        renamed = drafts.rename_draft(project, "Chapter one", "  The   beginning ")
        assert renamed.title == "The beginning"
    with Project.open(path) as project:
        assert [d.title for d in drafts.list_drafts(project)] == ["The beginning", "Chapter two"]


def test_bad_renames_are_refused_and_change_nothing(path):
    with Project.open(path) as project:
        with pytest.raises(UserError, match="needs a title"):
            drafts.rename_draft(project, "Chapter one", "   ")
        with pytest.raises(UserError, match="already has a draft called 'Chapter two'"):
            drafts.rename_draft(project, "Chapter one", "Chapter two")
        with pytest.raises(UserError, match="no draft called 'Epilogue'"):
            drafts.rename_draft(project, "Epilogue", "Coda")
        assert [d.title for d in drafts.list_drafts(project)] == ["Chapter one", "Chapter two"]


def test_delete_takes_the_cards_and_their_stacks_with_it(path):
    with Project.open(path) as project:
        gone = drafts.delete_draft(project, "Chapter one")
        assert (gone.title, gone.card_count) == ("Chapter one", 2)
    with Project.open(path) as project:
        assert [d.title for d in drafts.list_drafts(project)] == ["Chapter two"]
        assert project.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 1
        assert project.db.execute("SELECT COUNT(*) FROM variants").fetchone()[0] == 0


def test_add_and_move_drafts_are_saved(path):
    with Project.open(path) as project:
        added = drafts.add_draft(project, " Chapter  three ")
        assert (added.title, added.card_count) == ("Chapter three", 0)
        with pytest.raises(UserError, match="already has a draft"):
            drafts.add_draft(project, "Chapter two")
        order = drafts.move_draft(project, "Chapter three", 0)
        assert [d.title for d in order] == ["Chapter three", "Chapter one", "Chapter two"]
        drafts.move_draft(project, "Chapter one", 99)
    with Project.open(path) as project:
        assert [d.title for d in project.drafts()] == ["Chapter three", "Chapter two", "Chapter one"]


def test_headings_are_the_cards_starting_with_hashes():
    cards = draft_from_text("d", "# Part One\n\nText.\n\n## The Lamp\n\n#hashtag is not one\n\n###\n").cards
    found = drafts.headings(cards)
    assert [(h.level, h.title) for h in found] == [(1, "Part One"), (2, "The Lamp"), (3, "")]
    assert found[0].card_id == cards[0].id


def test_the_guis_rename_by_id_keeps_titles_unique_even_among_old_twins(path):
    """The navigator renames by id through this service: same uniqueness as the command line."""
    with Project.open(path) as project:
        project.db.execute("UPDATE drafts SET title = 'Chapter'")  # a project from before titles were unique
        project.db.conn.commit()
        first, second = (d.id for d in project.drafts())
        with pytest.raises(UserError, match=f"2 drafts called 'Chapter' \\(id {first} .*id {second} .*by its id"):
            drafts.rename_draft(project, "Chapter", "Prologue")
        with pytest.raises(UserError, match="already has a draft called 'Chapter'"):
            drafts.rename_draft(project, second, "  Chapter ")  # the other twin has it
        assert drafts.rename_draft(project, second, "Coda").title == "Coda"
        assert drafts.rename_draft(project, second, " Coda ").title == "Coda"  # its own title: no clash
        with pytest.raises(UserError, match="already has a draft called 'Coda'"):
            drafts.rename_draft(project, first, "Coda")
        assert [d.title for d in project.drafts()] == ["Chapter", "Coda"]


def test_a_title_with_bytes_that_are_not_utf8_is_refused_and_changes_nothing(path):
    with Project.open(path) as project:
        with pytest.raises(UserError, match=r"the title '\\xe9t\\xe9' has bytes that are not UTF-8"):
            drafts.rename_draft(project, "Chapter one", "\udce9t\udce9")  # what Python makes of Latin-1 argv
        with pytest.raises(UserError, match="not UTF-8"):
            drafts.add_draft(project, "caf\udce9")
        assert [d.title for d in drafts.list_drafts(project)] == ["Chapter one", "Chapter two"]


@pytest.mark.parametrize("title", ["ti\x1b[31mRED\x07", "right\u202eleft", "iso\u2068late", "del\x7f"])
def test_a_new_title_with_control_or_direction_characters_is_refused(path, title):
    with Project.open(path) as project:
        before = [(d.id, d.title) for d in project.drafts()]
        with pytest.raises(UserError, match="control or text-direction characters") as caught:
            drafts.add_draft(project, title)
        assert not any(c in str(caught.value) for c in "\x1b\x07\u202e\u2068\x7f")
        with pytest.raises(UserError, match="control or text-direction characters"):
            drafts.rename_draft(project, before[0][0], title)
        assert [(d.id, d.title) for d in project.drafts()] == before


def test_a_title_equal_to_another_drafts_id_is_refused(path):
    with Project.open(path) as project:
        first, second = (d.id for d in project.drafts())
        with pytest.raises(UserError, match="is the id of another draft"):
            drafts.add_draft(project, first)
        with pytest.raises(UserError, match="is the id of another draft"):
            drafts.rename_draft(project, second, first)
        assert drafts.rename_draft(project, first, first).title == first  # its own id names only itself
