"""Word documents: what Cardwriter writes, read back by python-docx; what Word-like files hold, imported."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import ImportRefused
from cardwriter.services.documents import exchange
from tests.services.documents.conftest import drafts_of, png_bytes

DRAFT_TEXT = (
    "# The Lighthouse\n\n"
    "The old keeper climbed the *winding* stairs, counting **every** step.\n\n"
    "## Night\n\n"
    "Below him the sea turned ***grey***, then black.\nThe gulls went quiet.\n\n"
    "He lit the lamp; 2 * 3 is snake_case, not emphasis.\n"
)


def paragraphs(path):
    """(style name, text, [(run text, bold, italic)]) for each paragraph, as python-docx reads them."""
    document = docx.Document(str(path))
    return [
        (p.style.name, p.text, [(r.text, bool(r.bold), bool(r.italic)) for r in p.runs]) for p in document.paragraphs
    ]


def test_exported_docx_has_the_paragraphs_headings_and_emphasis(project, tmp_path):
    project.add_draft(draft_from_text("Story", DRAFT_TEXT))
    out = tmp_path / "story.docx"
    exchange.export_document(project, out, "docx", project.drafts()[0].id)

    assert paragraphs(out) == [
        ("Heading 1", "The Lighthouse", [("The Lighthouse", False, False)]),
        (
            "Normal",
            "The old keeper climbed the winding stairs, counting every step.",
            [
                ("The old keeper climbed the ", False, False),
                ("winding", False, True),
                (" stairs, counting ", False, False),
                ("every", True, False),
                (" step.", False, False),
            ],
        ),
        ("Heading 2", "Night", [("Night", False, False)]),
        (
            "Normal",
            "Below him the sea turned grey, then black.\nThe gulls went quiet.",
            [
                ("Below him the sea turned ", False, False),
                ("grey", True, True),
                (", then black.\nThe gulls went quiet.", False, False),
            ],
        ),
        (
            "Normal",
            "He lit the lamp; 2 * 3 is snake_case, not emphasis.",
            [("He lit the lamp; 2 * 3 is snake_case, not emphasis.", False, False)],
        ),
    ]
    assert docx.Document(str(out)).core_properties.title == "Story"


def test_docx_round_trip_gives_the_same_markdown(project, tmp_path):
    project.add_draft(draft_from_text("Story", DRAFT_TEXT))
    out = tmp_path / "story.docx"
    exchange.export_document(project, out, "docx", project.drafts()[0].id)
    draft, _ = exchange.import_document(project, out)
    assert [c.text for c in draft.cards] == [
        "# The Lighthouse",
        "The old keeper climbed the *winding* stairs, counting **every** step.",
        "## Night",
        "Below him the sea turned ***grey***, then black.\nThe gulls went quiet.",
        r"He lit the lamp; 2 \* 3 is snake_case, not emphasis.",
    ]


def word_file(path):
    """A document as a Word user makes one: a title, headings, emphasis, a table, an image, blank lines."""
    document = docx.Document()
    document.add_heading("Chapter One", level=1)
    p = document.add_paragraph("It was a ")
    p.add_run("dark").italic = True
    p.add_run(" and ")
    p.add_run("stormy").bold = True
    p.add_run(" night.")
    document.add_paragraph("")  # a blank line for spacing: no card
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "table text"
    document.add_heading("A Smaller Heading", level=3)
    document.add_picture(io.BytesIO(png_bytes()))
    with_image = document.add_paragraph("Text beside ")
    with_image.add_run().add_picture(io.BytesIO(png_bytes()))
    with_image.add_run("a picture.")
    document.add_paragraph("The end.", style="Quote")
    document.save(str(path))
    return path


def test_word_file_imports_its_text_in_order_and_says_what_it_skipped(project, tmp_path):
    draft, skipped = exchange.import_document(project, word_file(tmp_path / "chapter.docx"))
    assert [c.text for c in draft.cards] == [
        "# Chapter One",
        "It was a *dark* and **stormy** night.",
        "### A Smaller Heading",
        "Text beside a picture.",
        "The end.",
    ]
    assert draft.title == "chapter"
    assert skipped == "1 table and 2 images"
    assert exchange.describe_import(tmp_path / "chapter.docx", draft, skipped) == (
        f"imported {tmp_path / 'chapter.docx'} as draft 'chapter' (5 cards; skipped 1 table and 2 images)"
    )
    assert drafts_of(project) == [("chapter", [c.text for c in draft.cards])]


def test_links_and_tracked_insertions_are_text_but_deletions_are_not(project, tmp_path):
    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p = document.add_paragraph("See ")
    p._p.append(parse_xml(f"<w:hyperlink {w}><w:r><w:t>the harbour</w:t></w:r></w:hyperlink>"))
    p._p.append(parse_xml(f'<w:del {w} w:id="1" w:author="a"><w:r><w:delText> (old)</w:delText></w:r></w:del>'))
    p._p.append(
        parse_xml(f'<w:ins {w} w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> at dawn</w:t></w:r></w:ins>')
    )
    document.save(str(tmp_path / "links.docx"))
    draft, _ = exchange.import_document(project, tmp_path / "links.docx")
    assert [c.text for c in draft.cards] == ["See the harbour at dawn"]


def real_docx_bytes() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Some text.")
    document.save(out)
    return out.getvalue()


def encrypted_docx_bytes() -> bytes:
    """A real password-protected .docx, as Word writes it (an OLE container with an EncryptedPackage)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(real_docx_bytes())).encrypt("secret", out)
    return out.getvalue()


def zip_without_word_parts() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return out.getvalue()


@pytest.mark.parametrize(
    "make, phrase",
    [
        (lambda: real_docx_bytes()[: len(real_docx_bytes()) // 2], "is damaged"),
        (lambda: bytes(range(256)) * 40, "is not a Word document (.docx)"),
        (encrypted_docx_bytes, "is password-protected"),
        (zip_without_word_parts, "not a Word document (.docx)"),
        (lambda: b"PK\x03\x04" + b"\x00" * 200, "is damaged"),
    ],
    ids=["truncated", "random-binary", "password-protected", "zip-of-something-else", "broken-zip-header"],
)
def test_bad_docx_is_refused_with_a_message_and_the_project_is_unchanged(project, tmp_path, make, phrase):
    project.add_draft(draft_from_text("Kept", "Already here.\n"))
    before = drafts_of(project)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(make())
    with pytest.raises(ImportRefused) as refused:
        exchange.import_document(project, bad)
    assert phrase in str(refused.value)
    assert str(bad) in str(refused.value)
    assert drafts_of(project) == before


def test_a_document_with_only_a_table_is_refused_saying_so(project, tmp_path):
    document = docx.Document()
    document.add_table(rows=1, cols=1).cell(0, 0).text = "only a table"
    document.save(str(tmp_path / "table.docx"))
    with pytest.raises(ImportRefused, match=r"no paragraphs of text to import \(skipped 1 table\)"):
        exchange.import_document(project, tmp_path / "table.docx")
    assert project.drafts() == []


def test_usual_file_checks_apply(project, tmp_path):
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(ImportRefused, match="is a folder"):
        exchange.import_document(project, tmp_path / "folder.docx")
    with pytest.raises(ImportRefused, match="does not exist"):
        exchange.import_document(project, tmp_path / "missing.docx")
    (tmp_path / "empty.docx").write_bytes(b"")
    with pytest.raises(ImportRefused, match="is empty"):
        exchange.import_document(project, tmp_path / "empty.docx")
    assert project.drafts() == []


def test_an_old_word_doc_is_told_to_save_as_docx(project, tmp_path):
    old = tmp_path / "old.docx"  # a Word 97–2003 file renamed: an OLE compound file, not encrypted
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(ImportRefused, match=r"old-style Word 97–2003 \(\.doc\) file.*save it as \.docx"):
        exchange.import_document(project, old)
    assert project.drafts() == []


def test_a_document_whose_text_unpacks_too_big_is_refused_before_unpacking(project, tmp_path, monkeypatch):
    from cardwriter.services.documents import imported

    path = tmp_path / "bomb.docx"
    path.write_bytes(real_docx_bytes())
    monkeypatch.setattr(imported, "MAX_UNPACKED_XML_BYTES", 1000)  # a real zip bomb would take a while to make
    with pytest.raises(ImportRefused, match="too big to import: its text unpacks to"):
        exchange.import_document(project, path)
    assert project.drafts() == []
