"""The PDF of a draft, read back by poppler's pdftotext (an independent reader)."""

from __future__ import annotations

import shutil
import subprocess
import time
import unicodedata

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.files import pdf_export
from cardwriter.gui.files.pdf_export import draft_pdf_bytes
from cardwriter.services.documents import exchange
from cardwriter.storage.project import Project

PARAGRAPHS = [
    "# The Lighthouse",
    "The old keeper climbed the *winding* stairs every evening, counting the steps aloud.",
    "## Night",
    "Below him the sea turned **grey**, then black, and the gulls went quiet on the rocks.",
]


def pdftotext(path) -> str:
    if shutil.which("pdftotext") is None:  # .ci/run installs poppler-utils; a missing tool must not pass silently
        pytest.fail("pdftotext (poppler-utils) is not installed: apt-get install -y poppler-utils")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_has_every_paragraph_in_order(qapp, tmp_path):
    cards = PARAGRAPHS + [f"Paragraph number {n} of the long tail, to run onto a second page." for n in range(1, 80)]
    with Project.create(tmp_path / "p.cardwriter") as project:
        project.add_draft(draft_from_text("Lighthouse", "\n\n".join(cards) + "\n"))
        exchange.export_document(project, tmp_path / "out.pdf", "pdf", project.drafts()[0].id, draft_pdf_bytes)
    data = (tmp_path / "out.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(pdftotext(tmp_path / "out.pdf").split())
    expected = [c.lstrip("# ").replace("*", "") for c in cards]
    at = 0
    for paragraph in expected:
        found = text.find(paragraph, at)
        assert found >= 0, f"{paragraph!r} missing or out of order"
        at = found + len(paragraph)
    assert "*" not in text and "#" not in text  # Markdown marks are formatting, not text
    info = subprocess.run(["pdfinfo", str(tmp_path / "out.pdf")], capture_output=True, text=True).stdout
    assert "Title:           Lighthouse" in info
    assert int(info.split("Pages:")[1].split()[0]) >= 2


def test_pdf_draws_bold_and_italic_in_their_fonts(qapp, tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(draft_pdf_bytes(draft_from_text("f", "Plain *italic* and **bold** words.\n")))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.lower()
    assert "italic" in fonts or "oblique" in fonts
    assert "bold" in fonts


def test_pdf_text_is_printed_at_its_size_on_an_a4_page_with_margins(qapp, tmp_path):
    """12 pt text on A4 with 2 cm margins, measured from the words' boxes pdftotext reports (in points)."""
    import re

    path = tmp_path / "size.pdf"
    path.write_bytes(draft_pdf_bytes(draft_from_text("s", "Plain words on a page.\n")))
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: apt-get install -y poppler-utils")
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', boxes)
    assert (round(float(page.group(1))), round(float(page.group(2)))) == (595, 842)  # A4 in points
    word = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Plain</word>', boxes)
    x_min, y_min, y_max = (float(word.group(i)) for i in (1, 2, 3))
    assert 10 <= y_max - y_min <= 18  # a 12 pt line, not text drawn at a fraction of its size
    assert 50 <= x_min <= 65  # 2 cm is 56.7 pt


# A paragraph Qt draws page by page was laid out again, whole, for every page: 2 MB in one paragraph took
# over a minute. CPU seconds, so a busy machine does not fail these; the linear export takes 2-4 s.
MB = 1024 * 1024
BOUND = 5.0


def word_boxes(path) -> list[tuple[str, tuple[float, ...]]]:
    """Every page and word pdftotext finds, with its box in points."""
    import re

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: apt-get install -y poppler-utils")
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r"<(page|word) ([^>]*)>([^<]*)", boxes)
    return [(f"{tag}:{word}", tuple(float(v) for v in re.findall(r'"([\d.]+)"', attrs))) for tag, attrs, word in found]


def exported_words(draft, tmp_path, what: str) -> list[str]:
    """The draft's PDF read back as words (page numbers left out), its export held to BOUND seconds of CPU."""
    start = time.process_time()
    data = draft_pdf_bytes(draft)
    took = time.process_time() - start
    assert took < BOUND, f"{took:.1f} s of CPU for {what}"
    (tmp_path / "out.pdf").write_bytes(data)
    return [t for t in pdftotext(tmp_path / "out.pdf").split() if not t.isdigit()]


@pytest.mark.slow
def test_a_2_mb_paragraph_exports_in_linear_time_with_its_words_in_order(qapp, tmp_path):
    words = [f"w{n}" for n in range(2 * MB // 7)]
    text = " ".join(words)
    assert len(text) > 2 * MB
    text = exported_words(draft_from_text("long", f"Before.\n\n{text}\n\nAfter.\n"), tmp_path, "one 2 MB paragraph")
    assert text == ["Before.", *words, "After."]


def test_a_1_mb_unbroken_word_exports_in_linear_time(qapp, tmp_path):
    word = "".join(chr(ord("a") + n % 26) * (1 + n % 7) for n in range(MB // 3))[:MB]  # nowhere to break it
    assert len(word) == MB
    text = exported_words(draft_from_text("word", f"{word}\n\nAfter.\n"), tmp_path, "one 1 MB word")
    assert unicodedata.normalize("NFKC", "".join(text[:-1])) == word  # NFKC: ff drawn as its ligature ﬀ
    assert text[-1] == "After."


def test_a_long_paragraph_is_laid_out_as_it_would_be_in_one_piece(qapp, tmp_path, monkeypatch):
    """Cut into pieces at Qt's own line starts, a long paragraph prints word for word where it did whole."""
    words = ["The", "keeper", "*climbed*", "the", "**winding**", "stairs,", "counting", "every", "step;", "naïve"]
    long = " ".join(f"{words[n % len(words)]}{n}" if n % 13 == 0 else words[n % len(words)] for n in range(5000))
    text = f"# Head\n\nShort.\n\n{long}\n\n{'y' * 15000}\n\nAfter.\n"
    assert len(long) > 4 * pdf_export.LONG_PARAGRAPH
    (tmp_path / "pieces.pdf").write_bytes(draft_pdf_bytes(draft_from_text("t", text)))
    monkeypatch.setattr(pdf_export, "LONG_PARAGRAPH", 10**9)  # one block per paragraph, as Qt alone draws it
    (tmp_path / "whole.pdf").write_bytes(draft_pdf_bytes(draft_from_text("t", text)))
    pieces, whole = word_boxes(tmp_path / "pieces.pdf"), word_boxes(tmp_path / "whole.pdf")
    assert [w for w, _ in pieces] == [w for w, _ in whole]
    assert len([w for w, _ in whole if w.startswith("page")]) >= 3
    for (word, at), (_, was) in zip(pieces, whole, strict=True):
        assert max(abs(a - b) for a, b in zip(at, was, strict=True)) < 0.01, word
