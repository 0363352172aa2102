"""Word (.docx), OpenDocument (.odt), HTML and PDF: drafts in and out as formatted documents.

``exchange`` is the entry point: it imports a .docx or .odt as a draft and
exports a draft in any of the formats. ``docx_io``, ``odt_io`` and
``html_export`` each hold one format; the PDF is drawn by Qt, so it lives in
``cardwriter.gui.files.pdf_export`` and reaches ``exchange`` as a function.
"""
