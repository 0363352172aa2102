"""A draft as a PDF, drawn by Qt from the same HTML as the HTML export.

Qt's text layout and ``QPdfWriter`` give a real, text-searchable PDF
(A4, 2 cm margins, numbered pages, a 12 pt serif font) with no extra dependency. It needs a
``QGuiApplication`` for fonts: the command line calls ``draft_pdf_bytes``
without a window, so one is made here, offscreen, when none exists.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from cardwriter.domain.model import Draft
from cardwriter.services.documents.html_export import body_html

RESOLUTION = 300  # dots per inch of the PDF's layout
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
    document.print_(writer)
    del writer  # the PDF is finished when its writer goes
    buffer.close()
    return bytes(data.data())
