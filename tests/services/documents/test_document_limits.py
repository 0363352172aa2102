"""Documents at the limits: a 2 MB paragraph in and out in linear time; zip bombs refused before unpacking."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import docx
import pytest

from cardwriter.domain.markdown_runs import block_from_markdown
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import ImportRefused
from cardwriter.services import transfer
from cardwriter.services.documents import exchange, imported
from tests.services.documents.conftest import drafts_of

MB = 1024 * 1024
# CPU seconds, not wall time, so a busy machine does not fail the test; linear code needs well under
# a second for 2 MB, the quadratic code these tests were written against took minutes.
BOUND = 3.0

SENTENCE = "The keeper climbed the winding stairs, counting every step, and the sea turned grey below. "
PROSE = (SENTENCE * (2 * MB // len(SENTENCE) + 1))[: 2 * MB]
# Emphasis now and then, and asterisks that close nothing (each once made a search back through the paragraph).
MARKED = (
    (SENTENCE * 2 + "The keeper *climbed* the **winding** stairs, counting every* step; 2 * 3 of them `were` wet. ")
    * (2 * MB // 280 + 1)
)[: 2 * MB]


class cpu_time:
    """``with cpu_time() as took: ...``; then ``took.seconds``."""

    def __enter__(self) -> cpu_time:
        self.start = time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.process_time() - self.start


def one_paragraph_docx(path, text: str, runs: int = 1) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    step = len(text) // runs + 1
    for n, at in enumerate(range(0, len(text), step)):
        paragraph.add_run(text[at : at + step]).italic = n % 2 == 1
    document.save(str(path))


@pytest.mark.parametrize("runs", [1, 2000], ids=["one-run", "2000-runs"])
def test_a_2_mb_docx_paragraph_imports_in_linear_time(project, tmp_path, runs):
    path = tmp_path / "long.docx"
    one_paragraph_docx(path, PROSE, runs)
    with cpu_time() as took:
        draft, _ = exchange.import_document(project, path)
    assert took.seconds < BOUND
    assert len(draft.cards) == 1
    assert block_from_markdown(draft.cards[0].text).text == PROSE.strip()


@pytest.mark.parametrize("fmt", ["docx", "odt"])
@pytest.mark.parametrize("text", [PROSE, MARKED], ids=["plain", "marked"])
def test_a_2_mb_card_exports_and_imports_in_linear_time(project, tmp_path, fmt, text):
    project.add_draft(draft_from_text("Long", text + "\n"))
    path = tmp_path / f"long.{fmt}"
    with cpu_time() as export:
        exchange.export_document(project, path, fmt, project.drafts()[0].id)
    with cpu_time() as back:
        draft, _ = exchange.import_document(project, path)
    assert export.seconds < BOUND
    assert back.seconds < BOUND
    assert block_from_markdown(draft.cards[0].text).text == block_from_markdown(text).text.strip()


@pytest.mark.parametrize("text", [PROSE, MARKED, "word* " * (MB // 3), "it`s " * (MB // 2)])
def test_a_2_mb_markdown_paragraph_imports_and_reads_in_linear_time(project, tmp_path, text):
    """Import, then what the app does with every card: read its Markdown (to count, show and export it)."""
    path = tmp_path / "long.md"
    path.write_text(text + "\n", encoding="utf-8")
    with cpu_time() as took:
        draft = transfer.import_draft(project, path)
        blocks = [block_from_markdown(card.text) for card in draft.cards]
    assert took.seconds < BOUND
    assert len(blocks) == 1


# -- zip bombs --------------------------------------------------------------------------


def docx_with_extra_part(name: str, write) -> bytes:
    """A real .docx with one more part, ``write(archive, name)`` adding it, referenced from the document."""
    source = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Some text.")
    document.save(source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                rel = (
                    '<Relationship Id="rIdBomb" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/image" Target="{name.removeprefix("word/")}"/>'
                )
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                types = "".join(
                    f'<Default Extension="{ext}" ContentType="application/octet-stream"/>'
                    for ext in ("png", "bin")
                    if f'Extension="{ext}"'.encode() not in data
                )
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            archive.writestr(info.filename, data)
        write(archive, name)
    return out.getvalue()


def zeros(size: int):
    def write(archive: zipfile.ZipFile, name: str) -> None:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as part:
            chunk = bytes(MB)
            for _ in range(size // MB):
                part.write(chunk)

    return write


def declared(size: int):
    """A small part whose directory entry claims ``size`` bytes unpacked (a forged size)."""

    def write(archive: zipfile.ZipFile, name: str) -> None:
        archive.writestr(name, b"\x89PNG" + bytes(1000))
        archive.getinfo(name).file_size = size  # written into the central directory on close

    return write


@pytest.mark.parametrize(
    "name, write, phrase",
    [
        ("word/media/image1.png", zeros(64 * MB), "more than 200 times its packed size"),
        ("word/media/image1.png", declared(4 * 1024 * MB), "unpacks to 4096 MB"),
        ("word/media/zeros.bin", declared(600 * MB), "the limit is 512 MB for any part"),
    ],
    ids=["64-MB-of-zeros", "forged-4-GB", "forged-600-MB"],
)
def test_a_zip_bomb_in_any_part_is_refused_before_it_is_unpacked(project, tmp_path, name, write, phrase):
    project.add_draft(draft_from_text("Kept", "Already here.\n"))
    before = drafts_of(project)
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_with_extra_part(name, write))
    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused, match=phrase) as refused:
            exchange.import_document(project, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(refused.value)
    assert peak < 16 * MB  # the file itself is well under 1 MB; nothing was unpacked
    assert drafts_of(project) == before


def test_parts_together_over_the_limit_are_refused(project, tmp_path, monkeypatch):
    monkeypatch.setattr(imported, "MAX_UNPACKED_TOTAL_BYTES", 5 * MB)
    path = tmp_path / "many.docx"
    path.write_bytes(docx_with_extra_part("word/media/big.png", declared(5 * MB)))
    with pytest.raises(ImportRefused, match="its parts unpack to 6 MB together"):
        exchange.import_document(project, path)


def test_media_parts_are_never_unpacked(project, tmp_path):
    """An image, however big, is skipped unread: importing a .docx with 8 MB of picture costs no memory for it."""
    path = tmp_path / "photo.docx"
    path.write_bytes(docx_with_extra_part("word/media/photo.png", zeros(8 * MB)))
    tracemalloc.start()
    try:
        draft, _ = exchange.import_document(project, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [c.text for c in draft.cards] == ["Some text."]
    assert peak < 4 * MB


def test_an_odt_part_is_read_no_further_than_its_declared_size(project, tmp_path):
    """A content.xml whose directory entry understates its size is refused as damaged, not read in full."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<a>" + b" " * MB + b"</a>")
        archive.getinfo("content.xml").file_size = 100
    path = tmp_path / "forged.odt"
    path.write_bytes(out.getvalue())
    with pytest.raises(ImportRefused, match="is damaged"):
        exchange.import_document(project, path)
