from __future__ import annotations

import json

import pytest

from cardwriter.domain.model import Provenance, Variant, VariantKind, VariantState
from cardwriter.errors import ImportRefused, UserError
from cardwriter.services import transfer
from cardwriter.services.editing import accept_variant
from cardwriter.storage.project import Project

SAMPLE = "\ufeff# Chapter One\r\n\r\nIt was a dark night.\r\nThe rain fell.\r\n\r\n- a list\r\n- of things\r\n\r\n```\r\ncode\r\n\r\nblock\r\n```\r\n"


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p.cardwriter") as project:
        yield project


def test_markdown_import_export_is_byte_exact(project, tmp_path):
    source = tmp_path / "chapter.md"
    source.write_bytes(SAMPLE.encode("utf-8"))
    draft = transfer.import_draft(project, source)
    assert draft.title == "chapter"
    assert len(draft.cards) == 4
    assert transfer.export_project(project, "md").encode("utf-8") == SAMPLE.encode("utf-8")
    assert transfer.export_project(project, "txt") == SAMPLE


def test_refused_import_adds_nothing(project, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"ok\n\xff\xfe")
    with pytest.raises(ImportRefused):
        transfer.import_draft(project, bad)
    assert project.drafts() == []


def test_several_drafts_need_a_choice(project, tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(f"Draft {name}.\n")
        transfer.import_draft(project, tmp_path / f"{name}.md")
    with pytest.raises(transfer.DraftChoiceNeeded, match="say which one"):
        transfer.export_project(project, "md")
    assert transfer.export_project(project, "md", transfer.find_draft_id(project, "b")) == "Draft b.\n"


def test_notes_from_files_and_folders(project, tmp_path):
    folder = tmp_path / "quotes"
    folder.mkdir()
    (folder / "woolf.md").write_text("The sea is blue.\n\nThe lighthouse stands.\n")
    (folder / "mine.txt").write_text("My own fragment.\n")
    (folder / "broken.md").write_bytes(b"\x00\x01binary")
    single = tmp_path / "single.md"
    single.write_text("One passage,\nover two lines.\n")
    result = transfer.add_notes_from_paths(project, [folder, single])
    assert sorted(n.text for n in project.notes()) == [
        "My own fragment.",
        "One passage,\nover two lines.",
        "The sea is blue.\n\nThe lighthouse stands.",
    ]
    assert len(result.refused) == 1 and "broken.md" in result.refused[0]
    assert {n.source for n in project.notes()} >= {str(single)}
    split = transfer.add_notes_from_paths(project, [folder / "woolf.md"], split=True)
    assert [n.text for n in split.added] == ["The sea is blue.", "The lighthouse stands."]


def full_project(project, tmp_path):
    source = tmp_path / "chapter.md"
    source.write_bytes(SAMPLE.encode("utf-8"))
    draft = transfer.import_draft(project, source)
    card = draft.cards[1]
    parent = Variant("A dark night it was.", Provenance(VariantKind.REWRITE, model="m", preset="bold", seed=7))
    child = Variant(
        "Night, dark.", Provenance(VariantKind.RESTYLE, angle="terser", seed=8, parent_id=parent.id, note_ids=("n",))
    )
    project.add_variants(card.id, [parent, child])
    accept_variant(project, card.id, parent.id)
    project.set_variant_state(child.id, VariantState.PINNED)
    (tmp_path / "n.md").write_text("A note.\n")
    transfer.add_notes_from_paths(project, [tmp_path / "n.md"])
    project.set_setting("preset", "bold")


def test_json_export_import_gives_an_equal_project(project, tmp_path):
    full_project(project, tmp_path)
    exported = transfer.export_project(project, "json")
    (tmp_path / "p.json").write_text(exported, encoding="utf-8")
    with Project.create(tmp_path / "copy.cardwriter") as copy:
        transfer.import_file(copy, tmp_path / "p.json")
        assert copy.load_drafts() == project.load_drafts()
        assert copy.notes() == project.notes()
        assert copy.settings() == project.settings()
        assert transfer.export_project(copy, "json") == exported
    data = json.loads(exported)
    variants = data["drafts"][0]["cards"][1]["variants"]
    assert [v["provenance"]["kind"] for v in variants] == ["rewrite", "restyle", "original"]
    assert variants[1]["provenance"]["parent_id"] == variants[0]["id"]


def test_json_import_refuses_bad_input_and_adds_nothing(project, tmp_path):
    cases = {
        "not json": "{oops",
        "not an export": json.dumps({"hello": 1}),
        "newer": json.dumps({"format": "cardwriter-project", "version": 99}),
        "damaged": json.dumps({"format": "cardwriter-project", "version": 1, "drafts": [{"id": 3}]}),
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        with pytest.raises(ImportRefused):
            transfer.import_file(project, path)
    assert project.drafts() == [] and project.notes() == []


def test_json_import_into_a_project_with_content_is_refused(project, tmp_path):
    full_project(project, tmp_path)
    (tmp_path / "p.json").write_text(transfer.export_project(project, "json"))
    with pytest.raises(ImportRefused, match="new project"):
        transfer.import_file(project, tmp_path / "p.json")
