from __future__ import annotations

import json
import os

import pytest

from cardwriter.domain.model import Provenance, Variant, VariantKind, VariantState
from cardwriter.errors import ImportRefused, SaveFailed, UserError
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


def test_json_export_import_gives_an_equal_project(project, tmp_path):
    full_project(project, tmp_path)
    exported = transfer.export_project(project, "json")
    (tmp_path / "p.json").write_text(exported, encoding="utf-8")
    with Project.create(tmp_path / "copy.cardwriter") as copy:
        transfer.import_file(copy, tmp_path / "p.json")
        assert copy.load_drafts() == project.load_drafts()
        assert copy.notes() == project.notes()
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


def test_an_export_from_before_settings_were_dropped_still_imports(project, tmp_path):
    full_project(project, tmp_path)
    data = json.loads(transfer.export_project(project, "json"))
    assert "settings" not in data, "the project file holds no settings any more"
    data["settings"] = {"preset": "bold"}  # what version 1 exports carried
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    with Project.create(tmp_path / "copy.cardwriter") as copy:
        transfer.import_file(copy, tmp_path / "old.json")
        assert copy.load_drafts() == project.load_drafts() and copy.notes() == project.notes()


# -- robustness: odd JSON, special files, full disk, exports onto projects ---------------


def _export_with(tmp_path, edit):
    """A real JSON export of a small project, changed by ``edit`` (a function of the parsed data or text)."""
    with Project.create(tmp_path / "src.cardwriter") as source:
        (tmp_path / "a.md").write_text("One.\n\nTwo.\n")
        transfer.import_draft(source, tmp_path / "a.md")
        data = json.loads(transfer.export_project(source, "json"))
    out = tmp_path / "export.json"
    changed = edit(data)
    out.write_text(changed if isinstance(changed, str) else json.dumps(changed))
    return out


def _set_seed(value):
    def edit(data):
        card = data["drafts"][0]["cards"][0]
        card["variants"] = [
            {
                "id": "v",
                "text": "t",
                "state": "in_stack",
                "provenance": {"kind": "rewrite", "seed": 1, "created": "now"},
            }
        ]
        text = json.dumps(data)
        return text.replace('"seed": 1', f'"seed": {value}')

    return edit


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: "[" * 100_000 + "]" * 100_000,  # nesting beyond Python's recursion limit
        lambda d: '{"format": "cardwriter-project", "version": 1, "settings": {"x": ' + "1" * 5000 + "}}",
        _set_seed(2**70),
        _set_seed("NaN"),
        _set_seed("Infinity"),
        _set_seed(1.5),
        lambda d: {**d, "drafts": {"not": "a list"}},
        lambda d: {**d, "drafts": 7},
        lambda d: {**d, "settings": "text"},
        lambda d: {**d, "notes": [{"id": 1, "text": "x", "created": "now"}]},
        lambda d: {**d, "notes": [{"id": "n", "text": "\ud800", "created": "now"}]},
        lambda d: {**d, "version": 10**30},
        lambda d: {**d, "drafts": [{**d["drafts"][0], "cards": [{"id": "c", "text": ["x"], "separator": ""}]}]},
        lambda d: {**d, "drafts": [d["drafts"][0], d["drafts"][0]]},  # the same ids twice
        lambda d: {**d, "settings": {"deep": json.loads("[" * 900 + "]" * 900)}},
    ],
    ids=[
        "deep",
        "huge-int",
        "seed-2^70",
        "seed-nan",
        "seed-inf",
        "seed-float",
        "drafts-dict",
        "drafts-int",
        "settings-str",
        "note-id-int",
        "lone-surrogate",
        "huge-version",
        "card-text-list",
        "duplicate-ids",
        "deep-setting",
    ],
)
def test_a_damaged_json_export_is_refused_with_a_message_and_adds_nothing(project, tmp_path, edit):
    path = _export_with(tmp_path, edit)
    try:
        transfer.import_file(project, path)
    except UserError as exc:
        assert str(path) in str(exc)
        assert project.drafts() == [] and project.notes() == []
    else:  # accepted: then it must have been imported whole
        assert project.drafts() or project.notes()


def test_importing_a_named_pipe_returns_at_once(project, tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(ImportRefused, match="named pipe"):
        transfer.import_file(project, fifo)
    result = transfer.add_notes_from_paths(project, [fifo, tmp_path])
    assert result.added == [] and any("named pipe" in r for r in result.refused)


def test_a_utf16_file_imports_and_says_so(project, tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes("Première ligne.\r\n\r\nDeuxième.\r\n".encode("utf-16"))
    message = transfer.import_file(project, path)
    assert "UTF-16" in message
    assert transfer.export_project(project, "md") == "Première ligne.\r\n\r\nDeuxième.\r\n"


def test_export_never_writes_onto_the_project_or_another_database(project, tmp_path):
    (tmp_path / "a.md").write_text("Text.\n")
    transfer.import_draft(project, tmp_path / "a.md")
    before = project.path.read_bytes()
    other = tmp_path / "other.sqlite"
    other.write_bytes(before)
    for target in (project.path, tmp_path / "x.cardwriter", other):
        for fmt in ("md", "json"):
            with pytest.raises(UserError, match="will not write"):
                transfer.export_to_file(project, target, fmt)
    assert project.path.read_bytes() == before and other.read_bytes() == before
    assert not (tmp_path / "x.cardwriter").exists()
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "out.md")
    transfer.export_to_file(project, link, "md")
    assert link.is_symlink() and (tmp_path / "out.md").read_text() == "Text.\n"


def test_a_full_disk_during_import_is_a_clear_message_and_keeps_the_project(tmp_path):
    from tests.tmpfs import fill, free, small_disk

    big = tmp_path / "big.md"
    big.write_text("\n\n".join(f"Paragraph {i} " + "words " * 200 for i in range(600)))
    with small_disk(tmp_path / "disk") as disk, Project.create(disk / "p.cardwriter") as project:
        (tmp_path / "small.md").write_text("Kept.\n")
        transfer.import_draft(project, tmp_path / "small.md")
        filler = fill(disk)
        for attempt in (
            lambda: transfer.import_file(project, big),
            lambda: transfer.add_notes_from_paths(project, [big]),
        ):
            with pytest.raises(SaveFailed, match="disk is full"):
                attempt()
        assert [d.title for d in project.drafts()] == ["small"] and project.notes() == []
        free(filler)
        transfer.add_notes_from_paths(project, [tmp_path / "small.md"])
        assert len(project.notes()) == 1


@pytest.mark.parametrize("version", ["NaN", "1e309", "-Infinity", "2.5", '"2"', "true"])
def test_a_json_export_whose_version_is_not_a_whole_number_says_so(project, tmp_path, version):
    path = _export_with(tmp_path, lambda data: json.dumps(data).replace('"version": 1', f'"version": {version}'))
    assert f'"version": {version}' in path.read_text()
    with pytest.raises(ImportRefused, match="format version .* is not a whole number") as caught:
        transfer.import_file(project, path)
    assert "newer version" not in str(caught.value)
    assert project.drafts() == [] and project.notes() == []


def test_a_title_from_a_file_name_shows_control_and_direction_characters_as_escapes(project, tmp_path):
    source = tmp_path / "ti\x1b[31mRED\x07\u202e\x7f.md"
    source.write_text("Text.\n")
    message = transfer.import_file(project, source)
    assert [d.title for d in project.drafts()] == ["ti\\x1b[31mRED\\x07\\u202e\\x7f"]
    assert "as draft 'ti\\x1b[31mRED\\x07\\u202e\\x7f'" in message


def test_an_import_titled_like_another_drafts_id_gets_a_number(project, tmp_path):
    (tmp_path / "a.md").write_text("A.\n")
    first = transfer.import_draft(project, tmp_path / "a.md")
    (tmp_path / f"{first.id}.md").write_text("B.\n")
    second = transfer.import_draft(project, tmp_path / f"{first.id}.md")
    assert second.title == f"{first.id} (2)"
    assert transfer.choose_draft(project, first.id) == first.id
