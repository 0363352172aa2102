"""An undo of a merge on a real full disk: it lands whole or not at all.

The project lives on a real 2 MB tmpfs. The disk fills up between the two
steps of the unmerge (splitting the card, giving back its stack), as it would
when another program takes the last free space meanwhile; the save fails, and
neither the file nor the in-memory draft may show a card split without its stack.
"""

from __future__ import annotations

import copy

import pytest

from cardwriter.domain.model import Provenance, Variant, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import SaveFailed
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.project import Project
from tests.tmpfs import fill, free, small_disk


def test_an_unmerge_that_cannot_be_saved_changes_neither_the_file_nor_the_session(tmp_path, monkeypatch):
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
            with pytest.raises(SaveFailed, match="disk is full"):
                session.unmerge(above_id, len("First card."), tail.id, moved)
            assert session.draft == merged
            free(fillers[0])
            assert project.load_draft(draft.id) == merged  # what the file holds after the rollback

            monkeypatch.undo()  # with room again, the same undo works
            session.unmerge(above_id, len("First card."), tail.id, moved)
            assert [c.text for c in session.cards] == ["First card.", " Its tail.", "Second card."]
            assert [v.id for v in session.cards[1].variants] == moved
            unmerged = copy.deepcopy(session.draft)
        finally:
            project.close()
        with Project.open(path) as reopened:
            assert reopened.load_draft(draft.id) == unmerged
