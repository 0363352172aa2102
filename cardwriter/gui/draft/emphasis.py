"""Italic and bold in a card: the Markdown markers (``*italic*``, ``**bold**``) put around words or taken off.

Cards hold Markdown, and the exports render it (``domain/markdown_runs``),
so Ctrl+I and Ctrl+B (Format in the main menu) toggle the markers around the
selection, or the word at the cursor, in the card being edited. The change is
made in the editor as typing is: Ctrl+Z in the card takes it back, and it is
saved (and undone from the Edit menu) with the card's typing.

``toggle`` works on plain text and offsets. The runs of ``*`` just outside
the words (or selected with them) say what the words are: one star italic,
two bold, three both. A toggle adds or removes the innermost markers, so
``**word**`` made italic is ``***word***``, and bold again taken off it is
``*word*``.
"""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

ITALIC, BOLD = "*", "**"
WORD_JOINERS = "'’-"  # inside a word: "keeper's", "well-lit"


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in WORD_JOINERS or char == "_"


def word_at(text: str, position: int) -> tuple[int, int]:
    """The span of the word at (or just before) ``position``; empty where there is none."""
    start = end = position
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    while start < end and text[start] in WORD_JOINERS:  # a quote before the word is not part of it
        start += 1
    while end > start and text[end - 1] in WORD_JOINERS:
        end -= 1
    return (start, end) if start < end else (position, position)


def _stars(text: str, index: int, step: int) -> int:
    """How many ``*`` run from ``index`` in the direction of ``step`` (-1 back, +1 on)."""
    count = 0
    while 0 <= index < len(text) and text[index] == "*":
        count, index = count + 1, index + step
    return count


def toggle(text: str, start: int, end: int, marker: str) -> tuple[str, int, int]:
    """``text`` with ``marker`` toggled around ``start:end`` (or the word there), and the words' new span.

    An empty span with no word in it gets the two markers with the span between them, to type into.
    """
    if start == end:
        start, end = word_at(text, start)
    if start == end:
        return text[:start] + marker + marker + text[start:], start + len(marker), start + len(marker)
    lead = min(_stars(text, start, 1), end - start)  # markers selected with the words
    trail = min(_stars(text, end - 1, -1), end - start - lead)
    if lead and trail and end - start > lead + trail:
        start, end = start + lead, end - trail
    around = min(_stars(text, start - 1, -1), _stars(text, end, 1))
    italic, bold = around in (1, 3) or around > 3, around >= 2
    if (marker == ITALIC and italic) or (marker == BOLD and bold):  # take off the innermost
        n = len(marker)
        return text[: start - n] + text[start:end] + text[end + n :], start - n, end - n
    return text[:start] + marker + text[start:end] + marker + text[end:], start + len(marker), end + len(marker)


def toggle_in_editor(editor, marker: str) -> None:  # a CardEditor
    """Toggle ``marker`` around the editor's selection (or the word at its cursor), as one edit."""
    cursor = editor.textCursor()
    selected = cursor.hasSelection()
    start, end, position = cursor.selectionStart(), cursor.selectionEnd(), cursor.position()
    text = editor.toPlainText()
    new_text, new_start, new_end = toggle(text, start, end, marker)
    if new_text == text:
        return
    # Only the changed stretch is replaced, so the rest of the card (and the editor's layout) stays.
    head = 0
    while head < min(len(text), len(new_text)) and text[head] == new_text[head]:
        head += 1
    tail = 0
    while tail < min(len(text), len(new_text)) - head and text[-1 - tail] == new_text[-1 - tail]:
        tail += 1
    edit = QTextCursor(editor.document())
    edit.setPosition(head)
    edit.setPosition(len(text) - tail, QTextCursor.MoveMode.KeepAnchor)
    edit.insertText(new_text[head : len(new_text) - tail])
    after = editor.textCursor()
    if selected:  # the same words stay selected
        after.setPosition(new_start)
        after.setPosition(new_end, QTextCursor.MoveMode.KeepAnchor)
    else:  # the caret stays on its letter of the word (or between new markers)
        word_start, word_end = word_at(text, position)
        after.setPosition(position + new_start - word_start if word_start < word_end else new_start)
    editor.setTextCursor(after)


def toggle_in_view(view, marker: str) -> None:  # a DraftView, or None
    """Ctrl+I or Ctrl+B in the draft: toggle in the card being edited, if one is."""
    editor = view.editor() if view is not None else None
    if editor is not None:
        toggle_in_editor(editor, marker)
