"""Word documents (.docx): a draft out as headings and paragraphs through python-docx, and back in.

Writing: each card becomes a paragraph ("Heading N" style for ``#`` cards)
whose runs carry the card's bold and italic; characters XML cannot hold are
mapped or left out. Reading, with the standard library's ElementTree (no
python-docx: it unpacks every part, images included, and raises on values it
does not expect): the body's paragraphs in order (also inside content
controls), with hyperlink and tracked-insertion text kept and deleted text
left out; tables, images and text boxes are skipped and counted, so the
writer is told what did not come across. Odd values ("maybe" for bold, an
empty style, a style chain that loops, nesting thousands deep) are read as
well as they can be, never with a traceback.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from cardwriter.domain.markdown_runs import Block, Run, block_from_markdown
from cardwriter.domain.model import Draft
from cardwriter.errors import ImportRefused
from cardwriter.services.documents.imported import ImportedDocument, open_zip, parse_part
from cardwriter.services.documents.xml_text import xml_safe

KIND = "a Word document (.docx)"
_HEADING_STYLE = re.compile(r"heading ([0-9])$", re.IGNORECASE)
# Inside a paragraph: text in these is not part of the document's text (deleted, moved away, text boxes).
# A fallback (mc:Fallback) repeats what its choice holds.
_NOT_TEXT = {
    qn("w:del"),
    qn("w:moveFrom"),
    qn("w:txbxContent"),
    qn("w:p"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_LINE_BREAK_OR_TAB = re.compile(r"(\n|\t)")
# Word's element names, spelled out once (``qn`` is called per element otherwise).
_BASEDON = qn("w:basedOn")
_BODY = qn("w:body")
_BR = qn("w:br")
_CR = qn("w:cr")
_DOCUMENT = qn("w:document")
_DRAWING = qn("w:drawing")
_NAME = qn("w:name")
_NOBREAKHYPHEN = qn("w:noBreakHyphen")
_P = qn("w:p")
_PICT = qn("w:pict")
_PTAB = qn("w:ptab")
_R = qn("w:r")
_RPR = qn("w:rPr")
_RSTYLE = qn("w:rStyle")
_SDT = qn("w:sdt")
_SDTCONTENT = qn("w:sdtContent")
_STYLE = qn("w:style")
_STYLEID = qn("w:styleId")
_T = qn("w:t")
_TAB = qn("w:tab")
_TBL = qn("w:tbl")
_VAL = qn("w:val")
_B = qn("w:b")
_I = qn("w:i")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PPR_PSTYLE = f"{qn('w:pPr')}/{qn('w:pStyle')}"


def docx_bytes(draft: Draft) -> bytes:
    """The draft as a .docx file's bytes.

    Characters XML cannot hold are mapped or left out (``xml_safe``): a
    vertical tab, Word's own manual line break, becomes a line break.
    """
    document = docx.Document()
    document.core_properties.title = xml_safe(draft.title)
    for card in draft.cards:
        block = block_from_markdown(card.text)
        if block.heading:
            paragraph = document.add_heading("", level=block.heading)
        else:
            paragraph = document.add_paragraph()
        for run in block.runs:
            paragraph._p.append(_run_element(paragraph._p, Run(xml_safe(run.text), run.bold, run.italic)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _run_element(paragraph: BaseOxmlElement, run: Run) -> BaseOxmlElement:
    """A ``w:r`` for a run: bold and italic, its text with "\\n" as line breaks and "\\t" as tabs.

    Built directly with lxml's ``makeelement`` (python-docx's ``add_run``
    looks through the paragraph for each new run, which is quadratic in a
    paragraph of many runs, and its ``OxmlElement`` is slow).
    """
    make = paragraph.makeelement
    r = make(_R, {})
    if run.bold or run.italic:
        rpr = make(_RPR, {})
        for on, tag in ((run.bold, _B), (run.italic, _I)):
            if on:
                rpr.append(make(tag, {}))
        r.append(rpr)
    for piece in _LINE_BREAK_OR_TAB.split(run.text):
        if piece == "\n":
            r.append(make(_BR, {}))
        elif piece == "\t":
            r.append(make(_TAB, {}))
        elif piece:
            t = make(_T, {})
            t.text = piece
            if piece != piece.strip():
                t.set(_XML_SPACE, "preserve")
            r.append(t)
    return r


def read_docx(data: bytes, path: Path) -> ImportedDocument:
    """The text paragraphs of a .docx, in order, and what was skipped; a damaged file is refused.

    Only the parts that hold text are read: the package's relationships,
    the main document and its styles. Images and other media are never
    unpacked (their sizes are still checked, with every other part's, by
    ``open_zip`` before anything is read).
    """
    archive = open_zip(data, path, KIND)  # refuses what is not a zip, or is damaged, encrypted or too big
    main = _related(archive, "", "officeDocument", path) or "word/document.xml"
    if main not in archive.namelist():
        raise ImportRefused(f"{path} is damaged or not {KIND}: it has no {main}")
    root = parse_part(archive, main, path, KIND, ET.fromstring)
    if root.tag != _DOCUMENT:
        raise ImportRefused(
            f"{path} is not {KIND}: its main part is not a Word document (is it a spreadsheet or slides?)"
        )
    styles = _Styles()
    styles_part = _related(archive, main, "styles", path)
    if styles_part and styles_part in archive.namelist():
        styles = _Styles(parse_part(archive, styles_part, path, KIND, ET.fromstring))
    found = ImportedDocument()
    body = root.find(_BODY)
    if body is not None:
        _read_body(body, styles, found)
    return found


def _related(archive: zipfile.ZipFile, source: str, kind: str, path: Path) -> str | None:
    """The part that ``source`` (``""`` for the package) relates to as ``kind`` ("styles"), if any."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return None
    for rel in parse_part(archive, rels, path, KIND, ET.fromstring):
        if rel.get("Type", "").rsplit("/", 1)[-1] != kind or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        return posixpath.normpath(joined).lstrip("/")
    return None


class _Styles:
    """The styles part, read as far as the reader needs: names, parents, bold and italic."""

    def __init__(self, root: ET.Element | None = None) -> None:
        # style id -> (name, parent style id, bold, italic); None where the style says nothing
        self.by_id: dict[str, tuple[str, str | None, bool | None, bool | None]] = {}
        for style in root.findall(_STYLE) if root is not None else ():
            style_id = style.get(_STYLEID)
            if style_id is None or style_id in self.by_id:
                continue
            rpr = style.find(_RPR)
            self.by_id[style_id] = (
                _val(style.find(_NAME)) or "",
                _val(style.find(_BASEDON)),
                _toggle(rpr, _B),
                _toggle(rpr, _I),
            )

    def chain(self, style_id: str | None) -> Iterator[tuple[str, str | None, bool | None, bool | None]]:
        """The style and the ones it is based on, nearest first (at most 20: a damaged file's chain may loop)."""
        for _ in range(20):
            style = self.by_id.get(style_id) if style_id else None
            if style is None:
                return
            yield style
            style_id = style[1]


def _val(element: ET.Element | None) -> str | None:
    return element.get(_VAL) if element is not None else None


def _toggle(rpr: ET.Element | None, tag: str) -> bool | None:
    """A bold or italic toggle (``w:b``, ``w:i``): None when absent; off only for the values that say off.

    Word writes "0", "false" or "off" to turn it off; any other value, odd
    ones ("maybe") included, counts as on, as the element's presence says.
    """
    element = rpr.find(tag) if rpr is not None else None
    if element is None:
        return None
    return (_val(element) or "").strip().lower() not in ("0", "false", "off", "none")


def _read_body(body: ET.Element, styles: _Styles, found: ImportedDocument) -> None:
    """Paragraphs in order, also inside block-level content controls (however deeply nested)."""
    pending: list[Iterator[ET.Element]] = [iter(body)]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
        elif child.tag == _P:
            found.blocks.append(_paragraph_block(child, styles, found))
        elif child.tag == _TBL:
            found.skip("table")
        elif child.tag == _SDT:  # a block-level content control holds paragraphs of its own
            content = child.find(_SDTCONTENT)
            if content is not None:
                pending.append(iter(content))


def _paragraph_block(p: ET.Element, styles: _Styles, found: ImportedDocument) -> Block:
    images = sum(1 for element in p.iter() if element.tag in (_DRAWING, _PICT))
    if images:
        found.skip("image", images)
    runs = [_run(r, styles) for r in _text_runs(p)]
    pstyle = p.find(_PPR_PSTYLE)
    return Block(tuple(run for run in runs if run.text), heading=_heading_level(_val(pstyle), styles))


def _text_runs(paragraph: ET.Element) -> Iterator[ET.Element]:
    """The ``w:r`` elements whose text belongs to the paragraph, in order (without recursion)."""
    pending: list[Iterator[ET.Element]] = [iter(paragraph)]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
        elif child.tag == _R:
            yield child
        elif child.tag not in _NOT_TEXT:
            pending.append(iter(child))  # hyperlinks, insertions, smart tags, fields, inline controls


def _run(r: ET.Element, styles: _Styles) -> Run:
    rpr = r.find(_RPR)
    bold, italic = _toggle(rpr, _B), _toggle(rpr, _I)
    for _, _, style_bold, style_italic in styles.chain(_val(rpr.find(_RSTYLE)) if rpr is not None else None):
        bold = style_bold if bold is None else bold
        italic = style_italic if italic is None else italic
    return Run(_run_text(r), bold=bool(bold), italic=bool(italic))


def _run_text(r: ET.Element) -> str:
    """The text of a run: tabs, line breaks (also page and column breaks) and hyphens as characters."""
    pieces: list[str] = []
    for child in r:
        tag = child.tag
        if tag == _T:
            pieces.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            pieces.append("\t")
        elif tag in (_BR, _CR):
            pieces.append("\n")  # a page break between words still parts them
        elif tag == _NOBREAKHYPHEN:
            pieces.append("-")
    return "".join(pieces).replace("\r", "\n")


def _heading_level(style_id: str | None, styles: _Styles) -> int:
    """1–6 for a paragraph in a heading style (or one based on it), or in the Title style; else 0."""
    for name, _, _, _ in styles.chain(style_id):
        if name.lower() == "title":
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return min(max(int(match.group(1)), 1), 6)
    return 0
