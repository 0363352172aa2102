"""OpenDocument text (.odt), written and read with the standard library.

An .odt is a zip whose first member, ``mimetype``, is stored uncompressed
(that is how office suites recognise it), followed by ``content.xml`` (the
text), ``styles.xml`` (the look of headings and body text) and
``META-INF/manifest.xml`` (the list of parts). No Qt and no new dependency.

Reading takes headings (``text:h``) and paragraphs (``text:p``) in order,
also inside lists and sections; bold and italic come from the automatic and
named text styles (``fo:font-weight``, ``fo:font-style``). Tables, images and
footnotes are skipped and counted.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

from cardwriter.domain.markdown_runs import Block, Run, block_from_markdown
from cardwriter.domain.model import Draft
from cardwriter.errors import ImportRefused
from cardwriter.services.documents.imported import ImportedDocument, open_zip, parse_part, read_member
from cardwriter.services.documents.xml_text import xml_safe

KIND = "an OpenDocument text file (.odt)"
_WHITESPACE = re.compile(r"[ \t\r\n]+")
# What ODF writes as elements, not characters: a tab, a line break, and spaces after the first of a run.
_SPECIAL = re.compile(r"\t|\n|(?:(?<=[ \t\n])|^) +")
_COUNT = re.compile(r"[0-9]{1,9}")  # plain digits (not "²", not a thousand of them)
# One text:s stands for at most this many spaces: a damaged or hostile file may say 10^14. And all
# of a document's text:s together for at most MAX_EXPANDED_SPACES: a small file of many text:s must
# not unpack into gigabytes of spaces.
MAX_SPACES = 1000
MAX_EXPANDED_SPACES = 16 * 1024 * 1024
# Text styles by name (None for a damaged file's style that has none): each style's own
# (bold, italic, parent style's name), None where the style says nothing.
TextStyles = dict[str | None, tuple[bool | None, bool | None, str | None]]
MIMETYPE = "application/vnd.oasis.opendocument.text"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _q(name: str) -> str:
    """``text:p`` -> ``{urn:...text:1.0}p``."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


# -- writing -------------------------------------------------------------------------

_TEXT_STYLES = {(True, False): "Bold", (False, True): "Italic", (True, True): "BoldItalic"}

_STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="{NS["office"]}" xmlns:style="{NS["style"]}" xmlns:text="{NS["text"]}"
 xmlns:fo="{NS["fo"]}" office:version="1.3">
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:text-properties style:font-name="Liberation Serif" fo:font-family="'Liberation Serif', serif"
    fo:font-size="12pt" fo:language="en"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"
   style:parent-style-name="Standard" style:class="text">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.25cm" fo:line-height="115%"/>
  </style:style>
  <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"
   style:next-style-name="Text_20_body" style:class="text">
   <style:paragraph-properties fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
{
    "".join(
        f'''  <style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" style:family="paragraph"
   style:parent-style-name="Heading" style:default-outline-level="{n}" style:class="text">
   <style:text-properties fo:font-size="{size}"/>
  </style:style>
'''
        for n, size in zip(range(1, 7), ("130%", "115%", "105%", "100%", "95%", "90%"), strict=True)
    )
} </office:styles>
</office:document-styles>
"""

_MANIFEST_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="{NS["manifest"]}" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def odt_bytes(draft: Draft) -> bytes:
    """The draft as an .odt file's bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        deflated = {"compress_type": zipfile.ZIP_DEFLATED}
        archive.writestr("content.xml", _content_xml(draft), **deflated)
        archive.writestr("styles.xml", _STYLES_XML, **deflated)
        archive.writestr("meta.xml", _meta_xml(draft), **deflated)
        archive.writestr("META-INF/manifest.xml", _MANIFEST_XML, **deflated)
    return out.getvalue()


def _meta_xml(draft: Draft) -> bytes:
    root = ET.Element(_q("office:document-meta"), {_q("office:version"): "1.3"})
    meta = ET.SubElement(root, _q("office:meta"))
    ET.SubElement(meta, _q("dc:title")).text = xml_safe(draft.title)
    ET.SubElement(meta, _q("meta:generator")).text = "Cardwriter"
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _content_xml(draft: Draft) -> bytes:
    root = ET.Element(_q("office:document-content"), {_q("office:version"): "1.3"})
    automatic = ET.SubElement(root, _q("office:automatic-styles"))
    for (bold, italic), name in _TEXT_STYLES.items():
        style = ET.SubElement(automatic, _q("style:style"), {_q("style:name"): name, _q("style:family"): "text"})
        props = {_q("fo:font-weight"): "bold"} if bold else {}
        if italic:
            props[_q("fo:font-style")] = "italic"
        ET.SubElement(style, _q("style:text-properties"), props)
    text = ET.SubElement(ET.SubElement(root, _q("office:body")), _q("office:text"))
    for card in draft.cards:
        block = block_from_markdown(card.text)
        if block.heading:
            element = ET.SubElement(
                text,
                _q("text:h"),
                {_q("text:style-name"): f"Heading_20_{block.heading}", _q("text:outline-level"): str(block.heading)},
            )
        else:
            element = ET.SubElement(text, _q("text:p"), {_q("text:style-name"): "Text_20_body"})
        for run in block.runs:
            target = element
            if run.bold or run.italic:
                target = ET.SubElement(
                    element, _q("text:span"), {_q("text:style-name"): _TEXT_STYLES[run.bold, run.italic]}
                )
            _append_text(target, xml_safe(run.text))
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _append_text(element: ET.Element, text: str) -> None:
    """Add ``text`` to ``element`` as ODF wants it: runs of spaces, tabs and line breaks as elements.

    ODF collapses consecutive spaces like HTML, so a second space onwards
    (and a space at the start of the text or after a tab or line break) is
    written as ``<text:s text:c="N"/>``. Linear in the text: each piece of
    plain text is set once.
    """
    last: ET.Element | None = element[-1] if len(element) else None  # text after a child is its tail
    at = 0
    for match in _SPECIAL.finditer(text):
        _add_plain(element, last, text[at : match.start()])
        piece = match.group()
        if piece == "\n":
            last = ET.SubElement(element, _q("text:line-break"))
        elif piece == "\t":
            last = ET.SubElement(element, _q("text:tab"))
        else:  # at most MAX_SPACES to an element, as the reader takes them
            for start in range(0, len(piece), MAX_SPACES):
                count = min(len(piece) - start, MAX_SPACES)
                last = ET.SubElement(element, _q("text:s"), {_q("text:c"): str(count)})
        at = match.end()
    _add_plain(element, last, text[at:])


def _add_plain(element: ET.Element, last: ET.Element | None, plain: str) -> None:
    if not plain:
        return
    if last is None:
        element.text = (element.text or "") + plain
    else:
        last.tail = (last.tail or "") + plain


# -- reading -------------------------------------------------------------------------


def read_odt(data: bytes, path: Path) -> ImportedDocument:
    """The text paragraphs of an .odt, in order, and what was skipped; a damaged file is refused."""
    archive = open_zip(data, path, KIND)
    if "META-INF/manifest.xml" in archive.namelist():
        if b"encryption-data" in read_member(archive, "META-INF/manifest.xml", path, KIND):
            raise ImportRefused(
                f"{path} is password-protected; open it in LibreOffice, save a copy without the password, "
                "and import that copy"
            )
    content = parse_part(archive, "content.xml", path, KIND, ET.fromstring)
    styles: TextStyles = {}
    if "styles.xml" in archive.namelist():
        styles.update(_text_styles(parse_part(archive, "styles.xml", path, KIND, ET.fromstring)))
    styles.update(_text_styles(content))
    body = content.find(f"{_q('office:body')}/{_q('office:text')}")
    if body is None:
        raise ImportRefused(f"{path} is not a text document: it has no body of text (is it a spreadsheet or slides?)")
    found = ImportedDocument()
    _read_container(body, styles, found, _Spaces(path))
    return found


def _text_styles(root: ET.Element) -> TextStyles:
    """Each text style's own (bold, italic, parent name); None where the style says nothing."""
    found: TextStyles = {}
    for style in root.iter(_q("style:style")):
        if style.get(_q("style:family")) != "text":
            continue
        props = style.find(_q("style:text-properties"))
        weight = props.get(_q("fo:font-weight")) if props is not None else None
        posture = props.get(_q("fo:font-style")) if props is not None else None
        bold = None if weight is None else weight in ("bold", "600", "700", "800", "900")
        italic = None if posture is None else posture in ("italic", "oblique")
        found[style.get(_q("style:name"))] = (bold, italic, style.get(_q("style:parent-style-name")))
    return found


def _style_format(name: str | None, styles: TextStyles, bold: bool, italic: bool) -> tuple[bool, bool]:
    """Bold and italic inside a span of style ``name``, following the style's parents."""
    own_bold: bool | None = None
    own_italic: bool | None = None
    for _ in range(20):  # a damaged file's parent chain could loop
        if name not in styles:
            break
        b, i, name = styles[name]
        own_bold = b if own_bold is None else own_bold
        own_italic = i if own_italic is None else own_italic
    return (bold if own_bold is None else own_bold), (italic if own_italic is None else own_italic)


class _Spaces:
    """Spaces from ``text:s`` elements, counted against ``MAX_EXPANDED_SPACES`` for the whole document."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.left = MAX_EXPANDED_SPACES

    def take(self, count: str | None) -> str:
        """The spaces a ``text:c`` stands for (one when it is not plain digits, at most ``MAX_SPACES``)."""
        n = min(_number(count, 1), MAX_SPACES)
        self.left -= n
        if self.left < 0:
            raise ImportRefused(
                f"{self.path} is damaged or not a real document: it asks for more than "
                f"{MAX_EXPANDED_SPACES} repeated spaces"
            )
        return " " * n


def _read_container(element: ET.Element, styles: TextStyles, found: ImportedDocument, spaces: _Spaces) -> None:
    """Headings and paragraphs in order, also inside lists and sections (however deeply nested)."""
    pending = [iter(element)]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
        elif child.tag == _q("text:h"):
            level = _number(child.get(_q("text:outline-level")), 1)
            found.blocks.append(Block(_runs(child, styles, found, spaces), heading=min(max(level, 1), 6)))
        elif child.tag == _q("text:p"):
            found.blocks.append(Block(_runs(child, styles, found, spaces)))
        elif child.tag == _q("table:table"):
            found.skip("table")
        elif child.tag in (_q("text:list"), _q("text:list-item"), _q("text:list-header"), _q("text:section")):
            pending.append(iter(child))


def _number(value: str | None, default: int) -> int:
    """An attribute's whole number when it is plain digits (at most nine), else ``default``."""
    return int(value) if value is not None and _COUNT.fullmatch(value) else default


def _runs(paragraph: ET.Element, styles: TextStyles, found: ImportedDocument, spaces: _Spaces) -> tuple[Run, ...]:
    """The paragraph's text as runs; spans nested however deeply are walked without recursion."""
    runs: list[Run] = []

    def add(text: str | None, bold: bool, italic: bool, raw: bool = True) -> None:
        # ODF treats the XML's own line breaks, tabs and runs of spaces as one space, as HTML does;
        # spaces, tabs and breaks meant as such are elements (text:s, text:tab, text:line-break).
        if text and raw:
            text = _WHITESPACE.sub(" ", text)
        if text:
            runs.append(Run(text, bold, italic))

    # Each entry: an element whose children are being read, those still to read, and the formatting inside it.
    add(paragraph.text, False, False)
    pending: list[tuple[ET.Element, Iterator[ET.Element], bool, bool]] = [(paragraph, iter(paragraph), False, False)]
    while pending:
        element, children, bold, italic = pending[-1]
        child = next(children, None)
        if child is None:  # the element is done: its tail follows, formatted as around it
            pending.pop()
            if pending:
                add(element.tail, pending[-1][2], pending[-1][3])
            continue
        tag = child.tag
        if tag == _q("text:span"):
            inner = _style_format(child.get(_q("text:style-name")), styles, bold, italic)
            add(child.text, *inner)
            pending.append((child, iter(child), *inner))
            continue
        if tag in (_q("text:a"), _q("text:meta"), _q("text:ruby"), _q("text:ruby-base")):
            add(child.text, bold, italic)
            pending.append((child, iter(child), bold, italic))
            continue
        if tag == _q("text:s"):
            add(spaces.take(child.get(_q("text:c"))), bold, italic, raw=False)
        elif tag == _q("text:tab"):
            add("\t", bold, italic, raw=False)
        elif tag == _q("text:line-break"):
            add("\n", bold, italic, raw=False)
        elif tag == _q("draw:frame"):
            found.skip("image" if child.find(_q("draw:image")) is not None else "frame")
        elif tag == _q("text:note"):
            found.skip("footnote")
        add(child.tail, bold, italic)
    return tuple(runs)
