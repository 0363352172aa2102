"""A draft as a standalone HTML page (standard library only), also the source of the PDF.

Headings become ``<h1>``–``<h6>``, other cards ``<p>``, with ``<strong>``
and ``<em>`` for the card's Markdown emphasis and ``<br>`` for line breaks
typed inside a card. Everything else is escaped, so text that looks like
HTML stays text.
"""

from __future__ import annotations

from html import escape

from cardwriter.domain.markdown_runs import Block, block_from_markdown
from cardwriter.domain.model import Draft

STYLE = (
    "body { font-family: Georgia, 'Liberation Serif', 'DejaVu Serif', serif; font-size: 12pt; "
    "line-height: 1.45; max-width: 38em; margin: 2em auto; padding: 0 1em; }\n"
    "p { margin: 0 0 0.8em 0; }\n"
)


def block_html(block: Block) -> str:
    """One block as an HTML element."""
    parts = []
    for run in block.runs:
        text = escape(run.text, quote=False).replace("\t", "&#9;").replace("\n", "<br>\n")
        if run.italic:
            text = f"<em>{text}</em>"
        if run.bold:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    tag = f"h{block.heading}" if block.heading else "p"
    return f"<{tag}>{''.join(parts)}</{tag}>"


def body_html(draft: Draft) -> str:
    """The draft's cards as HTML elements, one a line."""
    return "\n".join(block_html(block_from_markdown(card.text)) for card in draft.cards)


def html_page(draft: Draft) -> str:
    """The draft as a complete HTML document (UTF-8)."""
    return (
        "<!DOCTYPE html>\n"
        '<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(draft.title)}</title>\n"
        '<meta name="generator" content="Cardwriter">\n'
        f"<style>\n{STYLE}</style>\n</head>\n<body>\n"
        f"{body_html(draft)}\n"
        "</body>\n</html>\n"
    )
