"""The HTML page of a draft, read back with the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.services.documents.html_export import html_page


class Blocks(HTMLParser):
    """Collects (tag, text, [(tag, inner text)]) for each heading and paragraph of the body."""

    def __init__(self):
        super().__init__()
        self.blocks: list[list] = []
        self.open: list[str] = []
        self.title = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "h1", "h2", "h3"):
            self.blocks.append([tag, "", []])
        elif tag == "br" and self.blocks:
            self.blocks[-1][1] += "\n"
        if tag in ("em", "strong", "title"):
            self.open.append(tag)
            if self.blocks and tag != "title":
                self.blocks[-1][2].append([tag, ""])

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data):
        if "title" in self.open:
            self.title += data
        elif self.blocks:
            text = data.replace("\n", "") if data.startswith("\n") else data
            self.blocks[-1][1] += text
            if self.open:
                self.blocks[-1][2][-1][1] += text


def test_html_page_has_headings_paragraphs_emphasis_and_escapes():
    draft = draft_from_text("Tom & Jerry", "# The *Sea*\n\nA <b>bold</b> claim, **really**.\nNext line.\n")
    parser = Blocks()
    page = html_page(draft)
    parser.feed(page)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert parser.title == "Tom & Jerry"
    assert parser.blocks == [
        ["h1", "The Sea", [["em", "Sea"]]],
        ["p", "A <b>bold</b> claim, really.\nNext line.", [["strong", "really"]]],
    ]
