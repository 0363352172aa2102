"""Drafts in and out as documents: import a .docx or .odt as a draft, export one as docx, odt, html or pdf.

Imports are all-or-nothing: the file is read and checked in full (regular
file, size limit, a readable archive, some text) before the project is
touched, so a refused file leaves the project exactly as it was. Exports go
through the atomic writer: never onto the project or another database, and
a failed write leaves any old file in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cardwriter.domain.model import Draft
from cardwriter.errors import UserError
from cardwriter.services.documents.docx_io import docx_bytes, read_docx
from cardwriter.services.documents.html_export import html_page
from cardwriter.services.documents.imported import ImportedDocument
from cardwriter.services.documents.odt_io import odt_bytes, read_odt
from cardwriter.services.text_files import read_file_bytes, refuse_database_target, write_bytes_atomically
from cardwriter.storage.project import Project

DOCUMENT_FORMATS = ("docx", "odt", "html", "pdf")
DOCUMENT_SUFFIXES = (".docx", ".odt")
_READERS = {".docx": read_docx, ".odt": read_odt}

PdfWriter = Callable[[Draft], bytes]


def is_document(path: Path) -> bool:
    """Whether ``path`` names a Word or OpenDocument file (by its suffix)."""
    return Path(path).suffix.lower() in DOCUMENT_SUFFIXES


def read_document(path: Path) -> ImportedDocument:
    """The paragraphs of a .docx or .odt file and what was skipped, after the usual file checks."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UserError(f"{path} is not a .docx or .odt file")
    return reader(read_file_bytes(path, wanted="a .docx or .odt document"), path)


def import_document(project: Project, path: Path, title: str | None = None) -> tuple[Draft, str]:
    """Add a .docx or .odt file as a new draft, one card per paragraph.

    Returns the draft and what was skipped ("1 table and 2 images", or ""),
    so the writer can be told what did not come across.
    """
    path = Path(path)
    found = read_document(path)
    draft = found.to_draft(title or path.stem, path)
    project.add_draft(draft)
    return draft, found.skipped_text()


def describe_import(path: Path, draft: Draft, skipped: str) -> str:
    """One line on an imported document: the draft, its cards, and what was skipped."""
    extra = f"; skipped {skipped}" if skipped else ""
    return f"imported {path} as draft {draft.title!r} ({len(draft.cards)} cards{extra})"


def document_bytes(draft: Draft, fmt: str, pdf_writer: PdfWriter | None = None) -> bytes:
    """The draft in one of ``DOCUMENT_FORMATS``; the PDF needs ``pdf_writer`` (Qt draws it)."""
    if fmt == "docx":
        return docx_bytes(draft)
    if fmt == "odt":
        return odt_bytes(draft)
    if fmt == "html":
        return html_page(draft).encode("utf-8")
    if fmt == "pdf":
        if pdf_writer is None:
            raise UserError("PDF export needs the Qt drawing engine, which is not available here")
        return pdf_writer(draft)
    raise UserError(f"unknown document format {fmt!r}; choose one of {', '.join(DOCUMENT_FORMATS)}")


def export_document(project: Project, path: Path, fmt: str, draft_id: str, pdf_writer: PdfWriter | None = None) -> None:
    """Write a draft as a document to ``path`` atomically; never onto the project or another database."""
    path = Path(path)
    if os.path.realpath(path) == os.path.realpath(project.path):
        raise UserError(f"will not write the export over the project {project.path} itself; choose another file name")
    refuse_database_target(path)
    data = document_bytes(project.load_draft(draft_id), fmt, pdf_writer)
    write_bytes_atomically(path, data)
