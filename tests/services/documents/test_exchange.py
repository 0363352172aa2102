"""Document exports go through the safe writer; imports of documents go through transfer too."""

from __future__ import annotations

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import UserError
from cardwriter.services import transfer
from cardwriter.services.documents import exchange
from tests.support import fingerprint
from tests.tmpfs import fill, small_disk


def test_export_never_writes_over_the_project_or_a_database(project, tmp_path):
    project.add_draft(draft_from_text("Story", "Words.\n"))
    draft_id = project.drafts()[0].id
    with pytest.raises(UserError, match="over the project"):
        exchange.export_document(project, project.path, "docx", draft_id)
    other = tmp_path / "other.cardwriter"
    other.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    before = fingerprint(other)
    with pytest.raises(UserError, match="will not write over"):
        exchange.export_document(project, other, "odt", draft_id)
    assert fingerprint(other) == before


def test_export_on_a_full_disk_keeps_the_old_file(project, tmp_path):
    project.add_draft(draft_from_text("Story", "Words. " * 20000 + "\n"))
    with small_disk(tmp_path / "disk") as disk:
        old = disk / "story.docx"
        old.write_bytes(b"the writer's old file")
        fill(disk)
        with pytest.raises(UserError, match="disk is full"):
            exchange.export_document(project, old, "docx", project.drafts()[0].id)
        assert old.read_bytes() == b"the writer's old file"
        assert [p.name for p in disk.iterdir() if p.name != "filler"] == ["story.docx"]  # no temp file left


def test_pdf_needs_a_drawing_function():
    with pytest.raises(UserError, match="PDF export needs"):
        exchange.document_bytes(draft_from_text("d", "x\n"), "pdf")
    assert (
        exchange.document_bytes(draft_from_text("d", "x\n"), "pdf", lambda draft: b"%PDF-" + draft.title.encode())
        == b"%PDF-d"
    )


def test_transfer_imports_documents_by_suffix(project, tmp_path):
    project.add_draft(draft_from_text("Story", "# Title\n\nOne *two*.\n"))
    exchange.export_document(project, tmp_path / "story.docx", "docx", project.drafts()[0].id)
    exchange.export_document(project, tmp_path / "story.odt", "odt", project.drafts()[0].id)
    message = transfer.import_file(project, tmp_path / "story.docx")
    assert message.startswith(f"imported {tmp_path / 'story.docx'} as draft 'story' (2 cards")
    draft = transfer.import_draft(project, tmp_path / "story.odt", title="From ODF")
    assert (draft.title, [c.text for c in draft.cards]) == ("From ODF", ["# Title", "One *two*."])
    assert draft.text() == "# Title\n\nOne *two*.\n"  # exports as Markdown like any imported draft
