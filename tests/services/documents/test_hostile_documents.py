"""Odd and hostile documents: odd XML values, deep nesting, control characters, DOCTYPEs; and fuzzing.

Whatever a .docx, .odt or Markdown file holds, importing it either works
or is refused with a message (``UserError``), never a traceback; whatever a
card holds, the exported document is well-formed XML and imports back with
the same text.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardwriter.domain.markdown_runs import block_from_markdown
from cardwriter.domain.model import Card, Draft
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import ImportRefused, UserError
from cardwriter.services import transfer
from cardwriter.services.documents import exchange
from cardwriter.services.documents.docx_io import read_docx
from cardwriter.services.documents.odt_io import read_odt
from cardwriter.services.documents.xml_text import xml_safe
from cardwriter.storage.project import Project
from tests.services.documents.test_odt_io import FO, OFFICE, STYLE, TEXT, odt_package

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- building Word and ODF files by hand ------------------------------------------------------


def docx_package(body: str, styles: str = "") -> bytes:
    """A minimal .docx: the main document with ``body`` inside ``w:body``, and a styles part."""
    out = io.BytesIO()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/_rels/document.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        archive.writestr("word/styles.xml", f"<w:styles {W}>{styles}</w:styles>")
    return out.getvalue()


def odt_content(body: str, automatic: str = "") -> str:
    return (
        f'<office:document-content xmlns:office="{OFFICE}" xmlns:style="{STYLE}" xmlns:text="{TEXT}" '
        f'xmlns:fo="{FO}"><office:automatic-styles>{automatic}</office:automatic-styles>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )


def cards_of(data: bytes, suffix: str) -> list[str]:
    """Import ``data`` as a document: the cards' Markdown."""
    reader = read_docx if suffix == ".docx" else read_odt
    found = reader(data, Path("fuzz" + suffix))
    return [card.text for card in found.to_draft("fuzz", Path("fuzz" + suffix)).cards]


def imports_or_refuses(data: bytes, suffix: str) -> None:
    """The one thing every import must do: work, or refuse with a message naming the file."""
    try:
        cards = cards_of(data, suffix)
    except UserError as exc:
        assert f"fuzz{suffix}" in str(exc)
    else:
        for card in cards:
            block_from_markdown(card)  # what the app does next with every card


# -- odd values in Word XML ---------------------------------------------------------------


def run(text: str, props: str = "") -> str:
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


@pytest.mark.parametrize(
    "props, markdown",
    [
        ('<w:b w:val="maybe"/>', "**bold?**"),
        ('<w:i w:val=""/>', "*bold?*"),
        ('<w:b w:val="0"/><w:i w:val="true"/>', "*bold?*"),
        ('<w:b w:val="off"/>', "bold?"),
        ('<w:rStyle w:val=""/><w:b w:val="1 "/>', "**bold?**"),
        ('<w:rStyle w:val="NoSuchStyle"/>', "bold?"),
        ("<w:rStyle/>", "bold?"),
    ],
)
def test_odd_bold_and_italic_values_import(props, markdown):
    assert cards_of(docx_package(f"<w:p>{run('bold?', props)}</w:p>"), ".docx") == [markdown]


@pytest.mark.parametrize(
    "ppr",
    [
        "<w:pStyle/>",
        '<w:pStyle w:val=""/>',
        '<w:pStyle w:val="Loop"/>',
        '<w:pStyle w:val="Heading0"/>',
        '<w:numPr><w:ilvl w:val="-7"/><w:numId w:val="x"/></w:numPr><w:outlineLvl w:val="99999999999"/>',
    ],
)
def test_odd_paragraph_styles_and_levels_import(ppr):
    styles = (
        '<w:style w:styleId="Loop"><w:name w:val="Loop"/><w:basedOn w:val="Loop2"/></w:style>'
        '<w:style w:styleId="Loop2"><w:basedOn w:val="Loop"/></w:style>'
        '<w:style w:styleId="Heading0"><w:name w:val="heading 0"/></w:style>'
        "<w:style><w:name/></w:style>"
    )
    body = f"<w:p><w:pPr>{ppr}</w:pPr>{run('Words.')}</w:p>"
    assert [block_from_markdown(c).text for c in cards_of(docx_package(body, styles), ".docx")] == ["Words."]


def test_heading_styles_of_odd_levels_are_clamped():
    styles = "".join(
        f'<w:style w:styleId="H{n}"><w:name w:val="{name}"/></w:style>'
        for n, name in enumerate(["heading 0", "Heading 9", "heading 99", "HEADING 2", "heading ²"])
    )
    body = "".join(f'<w:p><w:pPr><w:pStyle w:val="H{n}"/></w:pPr>{run(f"T{n}")}</w:p>' for n in range(5))
    assert cards_of(docx_package(body, styles), ".docx") == ["# T0", "###### T1", "T2", "## T3", "T4"]


def test_deeply_nested_word_runs_import_or_are_refused():
    """5,000 hyperlinks one inside another around a run: no RecursionError, the text (or a message)."""
    body = "<w:p>" + "<w:hyperlink>" * 5000 + run("deep") + "</w:hyperlink>" * 5000 + "</w:p>"
    body += "<w:sdt><w:sdtContent>" * 5000 + f"<w:p>{run('deeper')}</w:p>" + "</w:sdtContent></w:sdt>" * 5000
    try:
        assert cards_of(docx_package(body), ".docx") == ["deep", "deeper"]
    except ImportRefused as exc:
        assert "fuzz.docx" in str(exc)


def test_a_heading_with_a_line_break_imports_as_one_heading_line():
    """Markdown headings are one line: a manual line break in a Word heading becomes a space."""
    styles = '<w:style w:styleId="H1"><w:name w:val="heading 1"/></w:style>'
    body = '<w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr><w:r><w:t>Part</w:t><w:br/><w:t>One #</w:t></w:r></w:p>'
    [card] = cards_of(docx_package(body, styles), ".docx")
    assert block_from_markdown(card) == block_from_markdown("# Part One \\#")
    assert (block_from_markdown(card).heading, block_from_markdown(card).text) == (1, "Part One #")


# -- odd values in ODF --------------------------------------------------------------------


@pytest.mark.parametrize(
    "count, spaces",
    [("3", 3), ("²", 1), ("-2", 1), ("1e3", 1), (" 4", 1), ("", 1), ("0", 0), ("9" * 5000, 1), ("100000000000000", 1)],
)
def test_odd_space_counts_import_with_a_bounded_number_of_spaces(count, spaces):
    body = f"<text:p>a<text:s text:c={quoteattr(count)}/>b</text:p>"
    [card] = cards_of(odt_package(odt_content(body)), ".odt")
    assert card == "a" + " " * spaces + "b"


def test_a_huge_space_count_is_capped():
    body = '<text:p>a<text:s text:c="999999999"/>b</text:p>'
    [card] = cards_of(odt_package(odt_content(body)), ".odt")
    assert card.startswith("a   ") and card.endswith("b") and len(card) <= 1002


@pytest.mark.parametrize("level, heading", [("²", 1), ("0", 1), ("9", 6), ("-1", 1), ("9" * 5000, 1), ("", 1)])
def test_odd_outline_levels_import(level, heading):
    body = f"<text:h text:outline-level={quoteattr(level)}>Title</text:h>"
    assert cards_of(odt_package(odt_content(body)), ".odt") == ["#" * heading + " Title"]


def test_deeply_nested_odf_spans_and_lists_import():
    automatic = (
        '<style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
    )
    span = '<text:span text:style-name="B">'
    body = "<text:p>" + span * 5000 + "deep" + "</text:span>" * 5000 + " tail</text:p>"
    body += "<text:list><text:list-item>" * 3000 + "<text:p>listed</text:p>" + "</text:list-item></text:list>" * 3000
    assert cards_of(odt_package(odt_content(body, automatic)), ".odt") == ["**deep** tail", "listed"]


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_a_doctype_with_entities_is_refused(suffix):
    doctype = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "expanded">]>'
    if suffix == ".docx":
        data = docx_package("<w:p><w:r><w:t>&e;</w:t></w:r></w:p>")
        data = _replace_part(data, "word/document.xml", lambda xml: doctype.encode() + xml)
    else:
        data = odt_package(doctype + odt_content("<text:p>&e;</text:p>"))
    with pytest.raises(ImportRefused, match="declares a document type"):
        cards_of(data, suffix)


def _replace_part(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            part = source.read(info)
            archive.writestr(info.filename, change(part) if info.filename == name else part)
    return out.getvalue()


def test_an_encrypted_zip_member_is_refused():
    data = bytearray(docx_package(f"<w:p>{run('x')}</w:p>"))
    at = data.rindex(b"PK\x01\x02", 0, data.rindex(b"word/document.xml"))  # its central directory entry
    data[at + 8] |= 1  # the "encrypted" flag
    with pytest.raises(ImportRefused, match="fuzz.docx"):
        cards_of(bytes(data), ".docx")


# -- control characters in cards -------------------------------------------------------------

CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def well_formed_parts(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(archive.read(name))  # raises on anything XML 1.0 forbids


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_control_characters_export_as_well_formed_xml_and_come_back(fmt, tmp_path):
    cards = [
        "Line one\vline two",  # Word's manual line break, as it pastes
        "Page\fbreak",
        f"All the controls: [{CONTROL}] end.",
        "# Title\vwith a break",
        "Far" + " " * 2500 + "apart",  # more spaces than one text:s may stand for
    ]
    draft = Draft(title="Bell\x07 title", cards=[Card(text) for text in cards])
    data = exchange.document_bytes(draft, fmt)
    well_formed_parts(data)
    back = cards_of(data, "." + fmt)
    assert [block_from_markdown(c).text for c in back] == [
        "Line one\nline two",
        "Page\nbreak",
        "All the controls: [\n\n] end.",  # the vertical tab and form feed among them are line breaks
        "Title with a break",
        "Far" + " " * 2500 + "apart",
    ]
    if fmt == "docx":
        assert docx.Document(io.BytesIO(data)).core_properties.title == "Bell title"


# -- fuzzing the readers -------------------------------------------------------------------

_odd_values = st.one_of(
    st.sampled_from(["0", "1", "true", "false", "on", "off", "maybe", "", " ", "-1", "²", "9" * 30, "1e9"]),
    st.text(max_size=12),
)
_texts = st.text(max_size=40)


@st.composite
def word_body(draw) -> str:
    """Random Word paragraphs: runs with odd toggles and styles, nested wrappers, tables, content controls."""
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        runs = []
        for _ in range(draw(st.integers(0, 4))):
            props = "".join(
                f"<w:{tag} w:val={quoteattr(draw(_odd_values))}/>"
                for tag in draw(st.lists(st.sampled_from(["b", "i", "rStyle", "bCs"]), max_size=3))
            )
            inner = draw(
                st.lists(
                    st.one_of(
                        st.builds(lambda t: f'<w:t xml:space="preserve">{escape(t)}</w:t>', _texts),
                        st.sampled_from(["<w:tab/>", "<w:br/>", '<w:br w:type="page"/>', "<w:cr/>", "<w:sym/>"]),
                        st.builds(lambda v: f"<w:br w:type={quoteattr(v)}/>", _odd_values),
                    ),
                    max_size=4,
                )
            )
            wrappers = draw(st.lists(st.sampled_from(["hyperlink", "ins", "del", "smartTag", "fldSimple"]), max_size=3))
            depth = draw(st.integers(0, 300))
            run_xml = f"<w:r><w:rPr>{props}</w:rPr>{''.join(inner)}</w:r>"
            opened = "".join(f"<w:{w}>" for w in wrappers) + "<w:smartTag>" * depth
            closed = "</w:smartTag>" * depth + "".join(f"</w:{w}>" for w in reversed(wrappers))
            runs.append(opened + run_xml + closed)
        ppr = "".join(
            f"<w:{tag} w:val={quoteattr(draw(_odd_values))}/>"
            for tag in draw(st.lists(st.sampled_from(["pStyle", "outlineLvl", "jc"]), max_size=2))
        )
        paragraph = f"<w:p><w:pPr>{ppr}</w:pPr>{''.join(runs)}</w:p>"
        wrap = draw(st.sampled_from(["", "sdt", "tbl"]))
        if wrap == "sdt":
            paragraph = f"<w:sdt><w:sdtContent>{paragraph}</w:sdtContent></w:sdt>"
        elif wrap == "tbl":
            paragraph = f"<w:tbl><w:tr><w:tc>{paragraph}</w:tc></w:tr></w:tbl>"
        paragraphs.append(paragraph)
    return "".join(paragraphs)


@st.composite
def word_styles(draw) -> str:
    ids = draw(st.lists(_odd_values, max_size=4))
    return "".join(
        f"<w:style w:styleId={quoteattr(i)}><w:name w:val={quoteattr(draw(st.sampled_from(['heading 3', 'Title', '']) | _odd_values))}/>"
        f"<w:basedOn w:val={quoteattr(draw(st.sampled_from(ids)))}/><w:rPr><w:b w:val={quoteattr(draw(_odd_values))}/></w:rPr></w:style>"
        for i in ids
    )


@settings(FUZZ, max_examples=100)
@given(word_body(), word_styles())
def test_fuzzed_word_documents_import_or_are_refused(body, styles):
    imports_or_refuses(docx_package(body, styles), ".docx")


@st.composite
def odf_body(draw) -> str:
    """Random ODF text: headings and paragraphs with odd counts and levels, spans nested deeply, lists."""
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        pieces = []
        for _ in range(draw(st.integers(0, 5))):
            kind = draw(st.sampled_from(["text", "s", "tab", "br", "span", "a", "note", "frame"]))
            if kind == "text":
                pieces.append(escape(draw(_texts)))
            elif kind == "s":
                pieces.append(f"<text:s text:c={quoteattr(draw(_odd_values))}/>")
            elif kind == "tab":
                pieces.append("<text:tab/>")
            elif kind == "br":
                pieces.append("<text:line-break/>")
            elif kind == "span":
                depth = draw(st.integers(1, 2000))
                style = quoteattr(draw(st.sampled_from(["B", "I", "Loop", "missing"]) | _odd_values))
                pieces.append(
                    f"<text:span text:style-name={style}>" * depth + escape(draw(_texts)) + "</text:span>" * depth
                )
            elif kind == "a":
                pieces.append(f"<text:a>{escape(draw(_texts))}</text:a>")
            elif kind == "note":
                pieces.append("<text:note><text:note-body><text:p>n</text:p></text:note-body></text:note>")
            else:
                pieces.append("<draw:frame xmlns:draw='urn:oasis:names:tc:opendocument:xmlns:drawing:1.0'/>")
        if draw(st.booleans()):
            element = f"<text:h text:outline-level={quoteattr(draw(_odd_values))}>{''.join(pieces)}</text:h>"
        else:
            element = f"<text:p>{''.join(pieces)}</text:p>"
        nesting = draw(st.integers(0, 3))
        paragraphs.append("<text:list><text:list-item>" * nesting + element + "</text:list-item></text:list>" * nesting)
    return "".join(paragraphs)


ODF_STYLES = (
    '<style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="I" style:family="text"><style:text-properties fo:font-style="oblique"/></style:style>'
    '<style:style style:name="Loop" style:family="text" style:parent-style-name="Loop"/>'
    '<style:style style:family="text"><style:text-properties fo:font-weight="900"/></style:style>'
)


@FUZZ
@given(odf_body())
def test_fuzzed_odf_documents_import_or_are_refused(body):
    imports_or_refuses(odt_package(odt_content(body, ODF_STYLES)), ".odt")


def _sample_docx() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_heading("A heading", 1)
    document.add_paragraph("Some ").add_run("bold").bold = True
    document.save(out)
    return out.getvalue()


SAMPLES = {".docx": _sample_docx(), ".odt": exchange.document_bytes(draft_from_text("d", "# H\n\nA *b* c\n"), "odt")}


@FUZZ
@given(st.sampled_from(sorted(SAMPLES)), st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=8))
def test_damaged_archives_import_or_are_refused(suffix, flips):
    """Bytes of a real document changed here and there: the zip layer, the XML and the reader all hold."""
    data = bytearray(SAMPLES[suffix])
    for at, value in flips:
        data[at % len(data)] = value
    imports_or_refuses(bytes(data), suffix)


@FUZZ
@given(st.sampled_from(sorted(SAMPLES)), st.integers(0, 10**9))
def test_truncated_archives_import_or_are_refused(suffix, cut):
    data = SAMPLES[suffix]
    imports_or_refuses(data[: cut % len(data)] or b"PK", suffix)


# -- fuzzing the writers: round trips ------------------------------------------------------------

_card_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from("ab *_`#\\\t\n\v\f\x00\x1f \u00a0\u2028\ufffe"), max_size=30),
    st.builds(lambda h, t: "#" * h + " " + t, st.integers(1, 6), st.text(max_size=30)),
)


def expected_blocks(draft: Draft) -> list[tuple[int, str]]:
    """What a document of the draft imports back as: each non-blank card's heading level and visible text."""
    out = []
    for card in draft.cards:
        block = block_from_markdown(card.text)
        text = xml_safe(block.text)
        if block.heading:
            text = text.replace("\n", " ")
        if text.strip():
            out.append((block.heading, text.strip()))
    return out


@settings(FUZZ, max_examples=60)  # each example writes and reads a whole document
@given(st.sampled_from(["docx", "odt"]), st.text(max_size=20), st.lists(_card_text, min_size=1, max_size=5))
def test_any_card_text_round_trips_through_a_document(fmt, title, texts):
    draft = Draft(title=title, cards=[Card(text) for text in texts])
    expected = expected_blocks(draft)
    data = exchange.document_bytes(draft, fmt)
    well_formed_parts(data)
    if not expected:
        with pytest.raises(ImportRefused, match="no paragraphs of text"):
            cards_of(data, "." + fmt)
        return
    back = [block_from_markdown(card) for card in cards_of(data, "." + fmt)]
    assert [(b.heading, b.text) for b in back] == expected


# -- fuzzing the Markdown importer ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory):
    with Project.create(tmp_path_factory.mktemp("fuzz") / "p.cardwriter") as project:
        yield project


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda t: t.encode("utf-8")),
        st.text(max_size=100).map(lambda t: t.encode("utf-16")),
        st.text(alphabet=st.sampled_from("#*_`\\ \n\r\t~-ab"), max_size=200).map(str.encode),
    )
)
def test_fuzzed_markdown_files_import_or_are_refused(shared_project, tmp_path_factory, data):
    path = tmp_path_factory.mktemp("md") / "fuzz.md"
    path.write_bytes(data)
    try:
        draft = transfer.import_draft(shared_project, path)
    except UserError as exc:
        assert str(path) in str(exc)
        return
    try:
        assert draft.text() == data.decode("utf-8")  # the draft keeps the text exactly
    except UnicodeDecodeError:
        pass  # read as UTF-16 or UTF-32
    for card in draft.cards:
        block_from_markdown(card.text)


def test_many_space_elements_are_refused_before_they_fill_memory(monkeypatch):
    from cardwriter.services.documents import odt_io

    monkeypatch.setattr(odt_io, "MAX_EXPANDED_SPACES", 10_000)
    body = "<text:p>a" + '<text:s text:c="999"/>' * 11 + "b</text:p>"
    with pytest.raises(ImportRefused, match="more than 10000 repeated spaces"):
        cards_of(odt_package(odt_content(body)), ".odt")
    monkeypatch.setattr(odt_io, "MAX_EXPANDED_SPACES", 11_000)
    assert cards_of(odt_package(odt_content(body)), ".odt") == ["a" + " " * 10989 + "b"]
