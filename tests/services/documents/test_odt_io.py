"""OpenDocument text: the package Cardwriter writes, read with xml.etree; .odt files as office suites write them, imported."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import ImportRefused
from cardwriter.services.documents import exchange
from tests.services.documents.conftest import drafts_of

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"

DRAFT_TEXT = (
    "# The Lighthouse\n\n"
    "The old keeper climbed the *winding* stairs,  counting **every** step.\n\n"
    "## Night\n\n"
    "Below him the sea turned grey.\nThe gulls went quiet.\n"
)


def odf_text(element) -> str:
    """The text of a paragraph as ODF defines it: text:s is spaces, text:tab a tab, text:line-break a newline."""
    out = [element.text or ""]
    for child in element:
        if child.tag == f"{{{TEXT}}}s":
            out.append(" " * int(child.get(f"{{{TEXT}}}c", "1")))
        elif child.tag == f"{{{TEXT}}}tab":
            out.append("\t")
        elif child.tag == f"{{{TEXT}}}line-break":
            out.append("\n")
        else:
            out.append(odf_text(child))
        out.append(child.tail or "")
    return "".join(out)


def test_exported_odt_is_a_valid_package_with_the_same_paragraphs(project, tmp_path):
    project.add_draft(draft_from_text("Story", DRAFT_TEXT))
    out = tmp_path / "story.odt"
    exchange.export_document(project, out, "odt", project.drafts()[0].id)

    with zipfile.ZipFile(out) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert out.read_bytes()[30:38] == b"mimetype"  # at a fixed offset, as the ODF spec requires
        manifest = ET.fromstring(archive.read("META-INF/manifest.xml"))
        content = ET.fromstring(archive.read("content.xml"))
        ET.fromstring(archive.read("styles.xml"))
    listed = {e.get("{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}full-path") for e in manifest}
    assert {"/", "content.xml", "styles.xml"} <= listed

    body = content.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    blocks = [(child.tag.split("}")[1], child.get(f"{{{TEXT}}}outline-level"), odf_text(child)) for child in body]
    assert blocks == [
        ("h", "1", "The Lighthouse"),
        ("p", None, "The old keeper climbed the winding stairs,  counting every step."),
        ("h", "2", "Night"),
        ("p", None, "Below him the sea turned grey.\nThe gulls went quiet."),
    ]
    # The emphasis is in spans whose automatic styles say italic and bold.
    styles = {
        s.get(f"{{{STYLE}}}name"): s.find(f"{{{STYLE}}}text-properties").attrib
        for s in content.iter(f"{{{STYLE}}}style")
    }
    spans = [(span.text, styles[span.get(f"{{{TEXT}}}style-name")]) for span in body.iter(f"{{{TEXT}}}span")]
    assert spans == [("winding", {f"{{{FO}}}font-style": "italic"}), ("every", {f"{{{FO}}}font-weight": "bold"})]


def test_odt_round_trip_gives_the_same_markdown(project, tmp_path):
    project.add_draft(draft_from_text("Story", DRAFT_TEXT))
    out = tmp_path / "story.odt"
    exchange.export_document(project, out, "odt", project.drafts()[0].id)
    draft, _ = exchange.import_document(project, out)
    assert [c.text for c in draft.cards] == [c.text for c in project.load_draft(project.drafts()[0].id).cards]


# content.xml much as LibreOffice writes it: automatic styles T1/T2, a named character style, a list,
# a table, an image, a footnote, spaces as text:s, pretty-printed whitespace that is not text.
OFFICE_CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="{OFFICE}" xmlns:style="{STYLE}" xmlns:text="{TEXT}" xmlns:fo="{FO}"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
  xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3">
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
  <style:style style:name="T2" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="T3" style:family="text" style:parent-style-name="Strong_20_Emphasis">
   <style:text-properties fo:font-style="italic"/></style:style>
 </office:automatic-styles>
 <office:body>
  <office:text>
   <text:h text:style-name="Heading_20_1" text:outline-level="1">Chapter One</text:h>
   <text:p text:style-name="Standard">It was a <text:span text:style-name="T1">dark</text:span> and
    <text:span text:style-name="T2">stormy</text:span> night.<text:s text:c="2"/>Really.</text:p>
   <text:p text:style-name="Standard"/>
   <table:table table:name="Table1"><table:table-row><table:table-cell><text:p>in a table</text:p>
   </table:table-cell></table:table-row></table:table>
   <text:list><text:list-item><text:p>First item</text:p></text:list-item>
    <text:list-item><text:p>Second <text:span text:style-name="T3">item</text:span></text:p></text:list-item></text:list>
   <text:h text:outline-level="2">Part <text:a xlink:href="https://example.org">Two</text:a></text:h>
   <text:p><draw:frame draw:name="Image1"><draw:image xlink:href="Pictures/1.png"/></draw:frame>After the
    picture<text:note text:note-class="footnote"><text:note-body><text:p>a note</text:p></text:note-body></text:note>.</text:p>
  </office:text>
 </office:body>
</office:document-content>
"""

OFFICE_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="{OFFICE}" xmlns:style="{STYLE}" xmlns:fo="{FO}">
 <office:styles>
  <style:style style:name="Strong_20_Emphasis" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
 </office:styles>
</office:document-styles>
"""


def odt_package(content: str, styles: str = OFFICE_STYLES, manifest_extra: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", styles, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            (
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                f'<manifest:file-entry manifest:full-path="content.xml">{manifest_extra}</manifest:file-entry>'
                "</manifest:manifest>"
            ),
        )
    return out.getvalue()


def test_office_odt_imports_its_text_in_order_and_says_what_it_skipped(project, tmp_path):
    path = tmp_path / "novel.odt"
    path.write_bytes(odt_package(OFFICE_CONTENT))
    draft, skipped = exchange.import_document(project, path)
    assert [c.text for c in draft.cards] == [
        "# Chapter One",
        "It was a *dark* and **stormy** night.  Really.",
        "First item",
        "Second ***item***",  # bold from the named parent style, italic from its own
        "## Part Two",
        "After the picture.",
    ]
    assert skipped == "1 table, 1 image and 1 footnote"


@pytest.mark.parametrize(
    "data, phrase",
    [
        (odt_package(OFFICE_CONTENT)[:300], "is damaged"),
        (b"\x00\x01binary" * 100, r"is not an OpenDocument text file \(\.odt\)"),
        (odt_package("<office:document-content"), "not well-formed XML"),
        (odt_package(OFFICE_CONTENT, manifest_extra="<manifest:encryption-data/>"), "is password-protected"),
        (
            odt_package(
                f'<office:document-content xmlns:office="{OFFICE}"><office:body><office:spreadsheet/>'
                "</office:body></office:document-content>"
            ),
            "is not a text document",
        ),
    ],
    ids=["truncated", "binary", "bad-xml", "encrypted", "spreadsheet"],
)
def test_bad_odt_is_refused_and_the_project_is_unchanged(project, tmp_path, data, phrase):
    project.add_draft(draft_from_text("Kept", "Already here.\n"))
    before = drafts_of(project)
    bad = tmp_path / "bad.odt"
    bad.write_bytes(data)
    with pytest.raises(ImportRefused, match=phrase):
        exchange.import_document(project, bad)
    assert drafts_of(project) == before
