"""Stack records in a real project file: acceptance times and links set aside; v4 -> v5."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import Card, Draft, Provenance, Variant, VariantKind, VariantState
from cardwriter.errors import SaveFailed
from cardwriter.services import editing
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.project import Project
from cardwriter.storage.schema import SCHEMA_VERSION
from tests.storage.old_files import file_at_version


def write_version_4_file(path):
    with file_at_version(path, 4) as db:
        db["drafts"].insert({"id": "d1", "title": "Four", "leading": "", "position": 0, "created": "2026-01-01"})
        db["cards"].insert({"id": "c1", "draft_id": "d1", "position": 0, "text": "Kept words.", "separator": "\n"})


def test_a_version_4_file_gains_stack_records_and_keeps_its_draft(tmp_path):
    path = tmp_path / "v4.cardwriter"
    write_version_4_file(path)
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        assert project.load_draft("d1").text() == "Kept words.\n"
        assert project.acceptances("c1") == [] and project.dismissed_links() == {}
        project.dismiss_link("c1", "note-1")
        project.record_acceptance("c1", "v1", at="2026-03-01T10:00:00")
    with Project.open(path) as project:
        assert project.dismissed_links(["c1"]) == {"c1": {"note-1"}}
        assert [(a.variant_id, a.at) for a in project.acceptances("c1")] == [("v1", "2026-03-01T10:00:00")]


def test_a_link_set_aside_stays_aside_once_and_can_be_offered_again(tmp_path):
    with Project.create(tmp_path / "p.cardwriter") as project:
        draft = Draft("D", cards=[Card("one paragraph"), Card("another")])
        project.add_draft(draft)
        first, second = draft.cards
        project.dismiss_link(first.id, "n1")
        project.dismiss_link(first.id, "n1")  # twice: still one
        project.dismiss_link(second.id, first.id)
        assert project.dismissed_links() == {first.id: {"n1"}, second.id: {first.id}}
        assert project.dismissed_links([second.id]) == {second.id: {first.id}}
        project.restore_link(first.id, "n1")
        assert project.dismissed_links() == {second.id: {first.id}}
        project.delete_card(second.id)
        assert project.dismissed_links() == {}  # they go with their card


def test_accepting_records_the_time_and_undoing_it_takes_the_record_back(tmp_path):
    with Project.create(tmp_path / "p.cardwriter") as project:
        draft = Draft("D", cards=[Card("The first wording of the paragraph.")])
        project.add_draft(draft)
        card = draft.cards[0]
        one = Variant("A second wording.", Provenance(VariantKind.REWRITE))
        two = Variant("A third wording.", Provenance(VariantKind.REWRITE))
        project.add_variants(card.id, [one, two])
        session = DraftSession(project, draft.id)
        session.accept(card.id, one.id)
        before_second = session.snapshot(card.id)
        session.accept(card.id, two.id)
        assert [a.variant_id for a in project.acceptances(card.id)] == [one.id, two.id]
        assert project.acceptances(card.id)[0].at <= project.acceptances(card.id)[1].at
        after_second = session.snapshot(card.id)
        session.restore(before_second, after_second, undoing_accept=two.id)  # what Undo does
        assert [a.variant_id for a in project.acceptances(card.id)] == [one.id]
        session.restore(after_second, before_second, redoing_accept=two.id)  # what Redo does
        assert [a.variant_id for a in project.acceptances(card.id)] == [one.id, two.id]
        session.restore(before_second, after_second, undoing_accept=two.id)
        assert session.card(card.id).text == "A second wording."
        editing.accept_variant(project, card.id, two.id)  # the command line records it too
        assert [a.variant_id for a in project.acceptances(card.id)] == [one.id, two.id]
        assert {v.id: v.state for v in project.variants(card.id)}[two.id] is VariantState.ACCEPTED


def test_on_a_full_disk_setting_a_link_aside_fails_loudly_records_nothing_and_works_once_there_is_room(disk):
    from tests.tmpfs import fill, free

    path = disk / "p.cardwriter"
    with Project.create(path) as project:
        draft = Draft("D", cards=[Card("one paragraph")])
        project.add_draft(draft)
        card_id = draft.cards[0].id
        filler = fill(disk)
        attempted = []
        with pytest.raises(SaveFailed) as caught:
            for n in range(2000):  # the WAL may still hold a little room
                target = f"{n:04d}" + "x" * 4000
                attempted.append(target)
                project.dismiss_link(card_id, target)
        assert "disk is full" in str(caught.value)
        assert attempted[-1] not in project.dismissed_links([card_id]).get(card_id, set())
        free(filler)
        project.dismiss_link(card_id, attempted[-1])  # the same call, retried
    with Project.open(path) as project:
        assert attempted[-1] in project.dismissed_links()[card_id]
        assert project.integrity_check() == "ok"
