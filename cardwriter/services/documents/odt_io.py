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
from pathlib import Path

from cardwriter.domain.markdown_runs import Block, Run, block_from_markdown
from cardwriter.domain.model import Draft
from cardwriter.errors import ImportRefused
from cardwriter.services.documents.imported import ImportedDocument, open_zip, read_member

KIND = "an OpenDocument text file (.odt)"
_WHITESPACE = re.compile(r"[ \t\r\n]+")
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
    ET.SubElement(meta, _q("dc:title")).text = draft.title
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
            _append_text(target, run.text)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _append_text(element: ET.Element, text: str) -> None:
    """Add ``text`` to ``element`` as ODF wants it: runs of spaces, tabs and line breaks as elements.

    ODF collapses consecutive spaces like HTML, so a second space onwards
    is written as ``<text:s text:c="N"/>``.
    """
    pieces: list[str | ET.Element] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            pieces.append(ET.Element(_q("text:line-break")))
        elif ch == "\t":
            pieces.append(ET.Element(_q("text:tab")))
        elif ch == " " and (i == 0 or text[i - 1] in " \n\t"):
            j = i
            while j < len(text) and text[j] == " ":
                j += 1
            pieces.append(ET.Element(_q("text:s"), {_q("text:c"): str(j - i)}))
            i = j
            continue
        else:
            pieces.append(ch)
        i += 1
    last: ET.Element | None = element[-1] if len(element) else None  # text after a child is its tail
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                element.text = (element.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            element.append(piece)
            last = piece


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
    content = _parse(read_member(archive, "content.xml", path, KIND), path, "content.xml")
    styles: TextStyles = {}
    if "styles.xml" in archive.namelist():
        styles.update(_text_styles(_parse(read_member(archive, "styles.xml", path, KIND), path, "styles.xml")))
    styles.update(_text_styles(content))
    body = content.find(f"{_q('office:body')}/{_q('office:text')}")
    if body is None:
        raise ImportRefused(f"{path} is not a text document: it has no body of text (is it a spreadsheet or slides?)")
    found = ImportedDocument()
    _read_container(body, styles, found)
    return found


def _parse(data: bytes, path: Path, name: str) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ImportRefused(f"{path} is damaged: its {name} is not well-formed XML ({exc})") from exc


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


def _read_container(element: ET.Element, styles: TextStyles, found: ImportedDocument) -> None:
    for child in element:
        if child.tag == _q("text:h"):
            outline = child.get(_q("text:outline-level"), "1")
            level = int(outline) if outline.isdigit() else 1
            found.blocks.append(Block(_runs(child, styles, found), heading=min(max(level, 1), 6)))
        elif child.tag == _q("text:p"):
            found.blocks.append(Block(_runs(child, styles, found)))
        elif child.tag == _q("table:table"):
            found.skip("table")
        elif child.tag in (_q("text:list"), _q("text:list-item"), _q("text:list-header"), _q("text:section")):
            _read_container(child, styles, found)


def _runs(paragraph: ET.Element, styles: TextStyles, found: ImportedDocument) -> tuple[Run, ...]:
    runs: list[Run] = []

    def add(text: str | None, bold: bool, italic: bool, raw: bool = True) -> None:
        # ODF treats the XML's own line breaks, tabs and runs of spaces as one space, as HTML does;
        # spaces, tabs and breaks meant as such are elements (text:s, text:tab, text:line-break).
        if text and raw:
            text = _WHITESPACE.sub(" ", text)
        if text:
            runs.append(Run(text, bold, italic))

    def walk(element: ET.Element, bold: bool, italic: bool) -> None:
        add(element.text, bold, italic)
        for child in element:
            tag = child.tag
            if tag == _q("text:span"):
                walk(child, *_style_format(child.get(_q("text:style-name")), styles, bold, italic))
            elif tag in (_q("text:a"), _q("text:meta"), _q("text:ruby"), _q("text:ruby-base")):
                walk(child, bold, italic)
            elif tag == _q("text:s"):
                count = child.get(_q("text:c"), "1")
                add(" " * (int(count) if count.isdigit() else 1), bold, italic, raw=False)
            elif tag == _q("text:tab"):
                add("\t", bold, italic, raw=False)
            elif tag == _q("text:line-break"):
                add("\n", bold, italic, raw=False)
            elif tag == _q("draw:frame"):
                found.skip("image" if child.find(_q("draw:image")) is not None else "frame")
            elif tag == _q("text:note"):
                found.skip("footnote")
            add(child.tail, bold, italic)

    walk(paragraph, False, False)
    return tuple(runs)
