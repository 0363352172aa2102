"""A draft as a PDF, drawn by Qt from the same HTML as the HTML export.

Qt's text layout and ``QPdfWriter`` give a real, text-searchable PDF
(A4, 2 cm margins, numbered pages, a 12 pt serif font) with no extra dependency. It needs a
``QGuiApplication`` for fonts: the command line calls ``draft_pdf_bytes``
without a window, so one is made here, offscreen, when none exists.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
)

from cardwriter.domain.model import Draft
from cardwriter.services.documents.html_export import body_html

RESOLUTION = 300  # dots per inch of the PDF's layout
# Qt draws a paragraph page by page and, for each page, lays out the paragraph's whole text again (its
# glyphs are not kept between pages): a paragraph of n characters over n/3,500 pages costs n² (2 MB in one
# paragraph ran for minutes). A paragraph longer than LONG_PARAGRAPH is therefore drawn as consecutive
# blocks of about PIECE characters, cut where Qt itself starts a line and with no space between them, so
# the page looks the same and each page lays out only the text it shows.
LONG_PARAGRAPH = 6000  # UTF-16 code units, as Qt counts
PIECE = 3000
_WINDOW = PIECE + 1500  # text laid out to find a line start near PIECE (several lines past it)
_app: QGuiApplication | None = None  # kept alive for the process when made here


def _ensure_gui_application() -> None:
    global _app
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen is needed to draw a PDF
        _app = QGuiApplication([])


def draft_pdf_bytes(draft: Draft) -> bytes:
    """The draft as a PDF file's bytes: headings, paragraphs, bold and italic as in the card's Markdown."""
    _ensure_gui_application()
    document = QTextDocument()
    document.setDefaultFont(QFont(["Liberation Serif", "DejaVu Serif", "Times New Roman", "serif"], 12))
    document.setDefaultStyleSheet("p { margin-bottom: 8px; line-height: 140%; }")
    document.setHtml(f"<html><body>{body_html(draft)}</body></html>")
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, draft.title)

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(draft.title)
    writer.setCreator("Cardwriter")
    writer.setResolution(RESOLUTION)
    # No margins on the page itself: QTextDocument.print_() lays the text out on the whole page, less its
    # own 2 cm margin, at the writer's resolution (so 12 pt is 12 pt), and numbers the pages.
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Millimeter,
        )
    )
    _split_long_paragraphs(document, writer)
    document.print_(writer)
    del writer  # the PDF is finished when its writer goes
    buffer.close()
    return bytes(data.data())


def _print_layout(document: QTextDocument, writer: QPdfWriter) -> QTextDocument:
    """An empty document laid out as ``QTextDocument.print_`` lays out its copy of ``document`` on ``writer``.

    ``print_`` gives a page that has no margins 2 mm ones, puts 2 cm margins (in the screen's dots, which
    the layout scales to the writer's) on the copy's root frame and lays the copy out at the writer's page
    size (Qt 6's qtextdocument.cpp); the scratch document here gets the same, so its lines are the copy's.
    """
    margins = writer.pageLayout().margins(QPageLayout.Unit.Millimeter)
    if margins.isNull():
        writer.setPageMargins(QMarginsF(2, 2, 2, 2), QPageLayout.Unit.Millimeter)  # as print_() would
    screen = QGuiApplication.primaryScreen()
    dpi_x = round(screen.logicalDotsPerInchX()) if screen is not None else 100
    dpi_y = round(screen.logicalDotsPerInchY()) if screen is not None else 100
    scratch = QTextDocument()
    scratch.setUndoRedoEnabled(False)
    scratch.setDefaultFont(document.defaultFont())
    scratch.setDefaultTextOption(document.defaultTextOption())
    scratch.setUseDesignMetrics(document.useDesignMetrics())
    scratch.setDocumentMargin(document.documentMargin())
    frame = QTextFrameFormat(document.rootFrame().frameFormat())
    frame.setLeftMargin(int(2 / 2.54 * dpi_x))
    frame.setRightMargin(int(2 / 2.54 * dpi_x))
    frame.setTopMargin(int(2 / 2.54 * dpi_y))
    frame.setBottomMargin(int(2 / 2.54 * dpi_y))
    scratch.rootFrame().setFrameFormat(frame)
    scratch.documentLayout().setPaintDevice(writer)
    scratch.setPageSize(QSizeF(writer.width(), writer.height()))
    return scratch


def _piece_length(
    document: QTextDocument, block: QTextBlock, block_format: QTextBlockFormat, start: int, scratch: QTextDocument
) -> int:
    """How many code units from ``start`` in ``block`` to cut off as one piece: up to a line start near PIECE.

    The text from ``start`` (a line start) is laid out alone, with the block's formats, as Qt would lay out
    the whole paragraph; lines are broken greedily, so every line but the window's last is the paragraph's
    own. Text with too few line breaks for that (a line's worth of zero-width characters) is cut at PIECE.
    """
    end = min(start + _WINDOW, block.length() - 1)
    source = QTextCursor(document)
    source.setPosition(block.position() + start)
    source.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
    target = QTextCursor(scratch)
    target.select(QTextCursor.SelectionType.Document)
    target.removeSelectedText()
    target.setBlockFormat(block_format)
    target.setBlockCharFormat(block.charFormat())
    target.insertFragment(source.selection())
    layout = scratch.firstBlock().layout()
    scratch.pageCount()  # lays the window out
    starts = [layout.lineAt(i).textStart() for i in range(1, layout.lineCount() - 1)]
    fitting = [s for s in starts if 0 < s <= PIECE]
    if fitting:
        return fitting[-1]
    window = scratch.firstBlock().text().encode("utf-16-le", "surrogatepass")  # indexed as Qt counts
    first_unit = int.from_bytes(window[2 * PIECE : 2 * PIECE + 2], "little")
    return PIECE - 1 if 0xDC00 <= first_unit <= 0xDFFF else PIECE  # never between a surrogate pair's halves


def _split_long_paragraphs(document: QTextDocument, writer: QPdfWriter) -> None:
    """Cut every block longer than LONG_PARAGRAPH into consecutive blocks that print as one paragraph."""
    long_blocks = []
    block = document.firstBlock()
    while block.isValid():
        if block.length() - 1 > LONG_PARAGRAPH:
            long_blocks.append(block)
        block = block.next()
    if not long_blocks:
        return  # the ordinary draft is printed exactly as before
    document.setUndoRedoEnabled(False)
    scratch = _print_layout(document, writer)
    for block in reversed(long_blocks):  # from the end, so the earlier blocks' positions stay put
        original = QTextBlockFormat(block.blockFormat())
        original.setLayoutDirection(block.textDirection())  # the paragraph's, from its first strong letter
        cuts = []
        at = 0
        while block.length() - 1 - at > LONG_PARAGRAPH:
            at += _piece_length(document, block, original, at, scratch)
            cuts.append(at)
        first = QTextBlockFormat(original)
        first.setBottomMargin(0)
        middle = QTextBlockFormat(first)
        middle.setTopMargin(0)
        last = QTextBlockFormat(original)
        last.setTopMargin(0)
        cursor = QTextCursor(document)
        cursor.beginEditBlock()  # one change for the layout to hear of, not one per cut
        cursor.setPosition(block.position())
        cursor.setBlockFormat(first)
        char_format = block.charFormat()
        for index, cut in enumerate(reversed(cuts)):
            cursor.setPosition(block.position() + cut)
            cursor.insertBlock(last if index == 0 else middle, char_format)
        cursor.endEditBlock()
