"""Word and ODF through the window: File ▸ Import takes .docx/.odt, File ▸ Export writes docx, odt, html, pdf."""

from __future__ import annotations

import io

import docx

from cardwriter.gui.shell.main_menu import EXPORT_FORMATS
from tests.services.documents.conftest import png_bytes


def test_export_menu_offers_the_document_formats(window):
    assert [fmt for _, fmt in EXPORT_FORMATS] == ["md", "txt", "docx", "odt", "html", "pdf", "json"]
    labels = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.menu()]
    export_menu = next(a.menu() for a in window.menuBar().actions()[0].menu().actions() if a.text() == "&Export")
    assert "Open &Recent" in labels
    assert [a.text() for a in export_menu.actions()][2:6] == [
        "Word Document (.docx)…",
        "OpenDocument Text (.odt)…",
        "Web Page (.html)…",
        "PDF…",
    ]


def test_a_word_file_opens_as_a_draft_saying_what_was_skipped(qtbot, window, tmp_path):
    document = docx.Document()
    document.add_heading("Chapter Two", level=1)
    p = document.add_paragraph("The ")
    p.add_run("storm").italic = True
    p.add_run(" broke at last.")
    document.add_table(rows=1, cols=1)
    document.add_picture(io.BytesIO(png_bytes()))
    document.save(str(tmp_path / "two.docx"))

    assert window.project_actions.import_file(tmp_path / "two.docx")
    assert [c.text for c in window.session.cards] == ["# Chapter Two", "The *storm* broke at last."]
    assert window.session.draft.title == "two"
    assert window.statusBar().currentMessage() == "Imported two.docx: 2 cards; skipped 1 table and 1 image"
    qtbot.waitUntil(lambda: window.status.counts_label.text() == "Card: 2 words · Draft: 7 words", timeout=3000)


def test_a_damaged_word_file_is_refused_and_the_project_keeps_its_drafts(window, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert not window.project_actions.import_file(bad)
    assert "bad.docx is damaged" in window.last_warning
    assert len(window.project.drafts()) == 1


def test_the_draft_exports_as_each_document_format(window, tmp_path):
    for fmt, magic in (("docx", b"PK"), ("odt", b"PK"), ("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF-")):
        out = tmp_path / f"story.{fmt}"
        assert window.project_actions.export_to(out, fmt), window.last_warning
        assert out.read_bytes().startswith(magic)
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "story.docx")).paragraphs]
    assert paragraphs == [c.text for c in window.session.cards]
