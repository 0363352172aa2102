"""The PDF of a draft, read back by poppler's pdftotext (an independent reader)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.pdf_export import draft_pdf_bytes
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
