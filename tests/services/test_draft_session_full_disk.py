"""Edits on a real full disk: kept in memory, never half in the file, written whole once there is room.

The project lives on a real 2 MB tmpfs. In the first test the disk fills up
between the two steps of the unmerge (splitting the card, giving back its
stack), as it would when another program takes the last free space
meanwhile; the save fails, and the file may not show a card split without
its stack: it keeps the merged draft, while the session keeps the unmerge in
memory and writes it whole once the disk has room.
"""

from __future__ import annotations

import copy

import pytest

from cardwriter.domain.model import Card, Provenance, Variant, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import SaveFailed
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.recovery import RecoveryJournal
from cardwriter.storage.project import Project
from tests.tmpfs import fill, free, small_disk


def test_an_unmerge_that_cannot_be_saved_is_kept_in_memory_and_never_half_in_the_file(tmp_path, monkeypatch):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "p.cardwriter"
        project = Project.create(path)
        try:
            draft = draft_from_text("D", "First card. Its tail.\n\nSecond card.\n")
            project.add_draft(draft)
            session = DraftSession(project, draft.id)
            tail = session.split(session.cards[0].id, len("First card."))
            session.add_variants(tail.id, [Variant("Another tail.", Provenance(VariantKind.REWRITE))])
            above_id, moved = session.merge_with_previous(tail.id)
            merged = copy.deepcopy(session.draft)

            fillers = []
            give_back = project.move_variants

            def give_back_on_a_full_disk(*args):
                fillers.append(fill(disk))  # the split is already written when the disk fills
                return give_back(*args)

            monkeypatch.setattr(project, "move_variants", give_back_on_a_full_disk)
            session.unmerge(above_id, len("First card."), tail.id, moved)
            failure = session.take_failure()
            assert isinstance(failure, SaveFailed) and "disk is full" in str(failure)
            assert session.behind and session.take_failure() is None
            assert [c.text for c in session.cards] == ["First card.", " Its tail.", "Second card."]
            assert [v.id for v in session.cards[1].variants] == moved
            unmerged = copy.deepcopy(session.draft)
            with pytest.raises(SaveFailed):  # still full
                session.save_pending()
            free(fillers[0])
            assert project.load_draft(draft.id) == merged  # what the file holds after the rollback

            monkeypatch.undo()  # with room again, the unmerge is written whole
            session.save_pending()
            assert not session.behind and project.load_draft(draft.id) == unmerged
        finally:
            project.close()
        with Project.open(path) as reopened:
            assert reopened.load_draft(draft.id) == unmerged


def test_edits_kept_while_saving_fails_come_back_from_the_recovery_file_as_typed(tmp_path):
    """The app is killed while the disk is full: the recovery file gives the draft back as the writer left it."""
    journal = RecoveryJournal(tmp_path / "recovery")
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "p.cardwriter"
        with Project.create(path) as project:
            draft = draft_from_text("D", "One.\n\nTwo.\n\nThree.\n")
            project.add_draft(draft)
            session = DraftSession(project, draft.id)
            one, two, three = (c.id for c in session.cards)
            session.add_variants(two, [Variant("Deux.", Provenance(VariantKind.REWRITE))])
            filler = fill(disk)
            session.set_text(one, "One, and a half.")
            new = session.split(one, len("One,"))  # Enter
            assert session.take_failure() is not None
            session.set_text(new.id, "And a half.")
            session.merge_with_previous(three)  # Backspace at the start of "Three."
            session.move(new.id, 0)
            session.insert(3, Card("Four."))
            expected = ["And a half.", "One,", "Two.Three.", "Four."]
            assert [c.text for c in session.cards] == expected
            edits = session.unsaved()
            assert edits.removed == [three] and edits.order == [c.id for c in session.cards]
            journal.keep(path, edits)
            assert [c.text for c in project.load_draft(draft.id).cards] == ["One.", "Two.", "Three."]
        free(filler)  # ...the app was killed; the disk has room again; the project opens

        with Project.open(path) as project:
            applied = journal.apply(project)
            assert not applied.new_cards and not applied.new_notes
            cards = project.load_draft(draft.id).cards
            assert [c.text for c in cards] == expected
            assert [c.separator for c in cards] == ["\n\n", "\n\n", "\n", "\n\n"]
            assert [v.text for v in project.variants(two)] == ["Deux."]
            assert journal.pending(path) == [] and journal.shapes(path) == {}


def test_a_session_behind_writes_merged_stacks_and_deleted_cards_once_there_is_room(tmp_path):
    with small_disk(tmp_path / "disk") as disk, Project.create(disk / "p.cardwriter") as project:
        draft = draft_from_text("D", "One.\n\nTwo.\n\nThree.\n")
        project.add_draft(draft)
        session = DraftSession(project, draft.id)
        one, two, three = (c.id for c in session.cards)
        session.add_variants(two, [Variant("Deux.", Provenance(VariantKind.REWRITE))])
        filler = fill(disk)
        session.merge_with_previous(two)
        session.delete(three)
        with pytest.raises(SaveFailed):  # a stack change waits for the file: it is refused
            session.add_variants(one, [Variant("Un.", Provenance(VariantKind.REWRITE))])
        free(filler)
        session.save_pending()
        assert project.load_draft(draft.id) == session.draft
        assert [c.text for c in session.cards] == ["One.Two."]
        assert [v.text for v in project.variants(one)] == ["Deux."]
