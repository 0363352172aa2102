"""Word documents (.docx) through python-docx: a draft out as headings and paragraphs, and back in.

Writing: each card becomes a paragraph ("Heading N" style for ``#`` cards)
whose runs carry the card's bold and italic. Reading: the body's paragraphs
in order (also inside content controls), with hyperlink and tracked-insertion
text kept and deleted text left out; tables, images and text boxes are
skipped and counted, so the writer is told what did not come across.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.run import Run as DocxRun

from cardwriter.domain.markdown_runs import Block, Run, block_from_markdown
from cardwriter.domain.model import Draft
from cardwriter.errors import ImportRefused
from cardwriter.services.documents.imported import ImportedDocument, open_zip, read_member

KIND = "a Word document (.docx)"
_HEADING_STYLE = re.compile(r"heading (\d)$", re.IGNORECASE)
# Inside a paragraph: text in these is not part of the document's text (deleted, moved away, text boxes).
_NOT_TEXT = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent")}


def docx_bytes(draft: Draft) -> bytes:
    """The draft as a .docx file's bytes."""
    document = docx.Document()
    document.core_properties.title = draft.title
    for card in draft.cards:
        block = block_from_markdown(card.text)
        if block.heading:
            paragraph = document.add_heading("", level=block.heading)
        else:
            paragraph = document.add_paragraph()
        for run in block.runs:
            added = paragraph.add_run(run.text)  # python-docx writes "\n" as a line break, "\t" as a tab
            added.bold = run.bold or None
            added.italic = run.italic or None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def read_docx(data: bytes, path: Path) -> ImportedDocument:
    """The text paragraphs of a .docx, in order, and what was skipped; a damaged file is refused."""
    open_zip(data, path, KIND)  # refuses what is not a zip, or is damaged, encrypted or too big
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds (KeyError, ValueError, XML errors) on a bad file
        archive = open_zip(data, path, KIND)
        read_member(archive, "word/document.xml", path, KIND)  # a clearer message when a part is missing
        raise ImportRefused(f"{path} is damaged or not {KIND}: {type(exc).__name__}: {exc}") from exc
    found = ImportedDocument()
    _read_body(document.element.body, document, found)
    return found


def _read_body(container: BaseOxmlElement, document: DocxDocument, found: ImportedDocument) -> None:
    for child in container:
        if child.tag == qn("w:p"):
            found.blocks.append(_paragraph_block(child, document, found))
        elif child.tag == qn("w:tbl"):
            found.skip("table")
        elif child.tag == qn("w:sdt"):  # a block-level content control holds paragraphs of its own
            for content in child.iter(qn("w:sdtContent")):
                _read_body(content, document, found)
                break


def _paragraph_block(p: CT_P, document: DocxDocument, found: ImportedDocument) -> Block:
    images = sum(1 for _ in p.iter(qn("w:drawing"))) + sum(1 for _ in p.iter(qn("w:pict")))
    if images:
        found.skip("image", images)
    runs = [_run(r, document) for r in _text_runs(p)]
    return Block(tuple(run for run in runs if run.text), heading=_heading_level(p, document))


def _text_runs(element: BaseOxmlElement) -> Iterator[CT_R]:
    """The ``w:r`` elements whose text belongs to the paragraph, in order."""
    for child in element:
        if child.tag == qn("w:r"):
            yield child
        elif child.tag not in _NOT_TEXT and child.tag != qn("w:p"):
            yield from _text_runs(child)  # hyperlinks, insertions, smart tags, fields, inline controls


def _run(r: CT_R, document: DocxDocument) -> Run:
    run = DocxRun(r, document.part)
    style_font = run.style.font if run.style is not None else None
    bold = run.bold if run.bold is not None else bool(style_font is not None and style_font.bold)
    italic = run.italic if run.italic is not None else bool(style_font is not None and style_font.italic)
    return Run(run.text.replace("\r", "\n"), bold=bold, italic=italic)


def _heading_level(p: CT_P, document: DocxDocument) -> int:
    """1–6 for a paragraph in a heading style (or one based on it), or in the Title style; else 0."""
    style_id = p.style  # CT_P.style: the paragraph's style id, or None
    style = document.styles.element.get_by_id(style_id) if style_id else None
    seen = 0
    while style is not None and seen < 20:  # a style chain could loop in a damaged file
        name = style.name_val or ""
        if name.lower() == "title":
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return min(max(int(match.group(1)), 1), 6)
        style = document.styles.element.get_by_id(style.basedOn_val) if style.basedOn_val else None
        seen += 1
    return 0
