"""One link card in an unfurled stack: a note or an echo brought back beside the paragraph.

A link card is never a variant, and does not look like one: variant tiles are white
sheets on the stack's ground; a link card lies on that ground itself (the Window
colour) behind a dashed outline, with a bar of colour down its left edge (the accent for
a note, a warm tone opposite it for an echo). Its caption says where it comes from ("from your
notes · Woolf", "echo · you said this in “Chapter 2”, ¶3", "… above, ¶2"), its text is
cut to a few lines (the whole of it in the tooltip), and its buttons say what it can do:

- a note: Insert as Card, Fuse, Open Note, Not Relevant;
- an echo: Go There, Compare, Not Relevant.

How close it is (the cosine) is not shown: every link on offer has passed a measured bar,
and a number beside a quote reads as a grade of it. The order says which is closer.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QTextLayout
from PySide6.QtWidgets import QFrame, QSizePolicy, QVBoxLayout, QWidget

from cardwriter.domain.links import Link, LinkKind
from cardwriter.gui.common.fitted_label import FittedLabel
from cardwriter.gui.common.interface_font import use_interface_font
from cardwriter.gui.stack.tiles import button_row

MAX_LINES = 4  # a link card's text is cut to this many lines (the tooltip has the whole)

NOTE_ACTIONS = (  # (object name, label, tooltip)
    ("insert", "Insert as Card", "Insert the note as a new card below this paragraph"),
    ("fuse", "Fuse", "Fuse the note into this paragraph: its stack gains variants that draw on both"),
    ("open", "Open Note", "Show the note in the notes panel"),
    ("dismiss", "Not Relevant", "Never offer this note beside this paragraph again (Ctrl+Z brings it back)"),
)
ECHO_ACTIONS = (
    ("go", "Go There", "Go to the paragraph that says this already"),
    ("compare", "Compare", "The two paragraphs side by side, their differences marked"),
    ("dismiss", "Not Relevant", "Never offer this paragraph beside this one again (Ctrl+Z brings it back)"),
)


def paragraph_place(link: Link, draft_id: str, row: int) -> str:
    """Where an echo's paragraph is, seen from paragraph ``row`` of draft ``draft_id``: "above, ¶2",
    "below, ¶9", or "in “Chapter 2”, ¶3" (paragraphs counted from 1)."""
    number = f"¶{(link.position or 0) + 1}"
    if link.draft_id == draft_id:
        return f"{'above' if (link.position or 0) < row else 'below'}, {number}"
    return f"in “{link.source}”, {number}"


def link_captions(link: Link, draft_id: str, row: int) -> tuple[str, ...]:
    """A link card's caption, longest wording first (a narrow card takes a shorter one)."""
    if link.kind is LinkKind.NOTE:
        source = " ".join(link.source.split())
        return (f"from your notes · {source}", "from your notes") if source else ("from your notes",)
    place = paragraph_place(link, draft_id, row)
    return f"echo · you said this {place}", f"you said this {place}", place


def bar_colour(palette: QPalette, kind: LinkKind) -> QColor:
    """The bar down a link card's left edge: the accent for a note, the accent's opposite hue for an echo
    (a warm tone beside a blue accent), so the two kinds differ at a glance in light and dark palettes."""
    accent = palette.color(QPalette.ColorRole.Highlight)
    if kind is LinkKind.NOTE:
        return accent
    hue = accent.hsvHue() if accent.hsvHue() >= 0 else 210
    return QColor.fromHsv((hue + 180) % 360, max(140, accent.hsvSaturation()), max(180, accent.value()))


class ClippedText(QWidget):
    """A paragraph wrapped to the widget's width and cut to ``lines`` lines, the last one ending in "…"."""

    def __init__(self, text: str, lines: int = MAX_LINES, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = " ".join(text.split())
        self.lines = lines
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(120)

    def _layout(self, width: int) -> list[tuple[int, int]]:
        """(start, length) of each line the text wraps into at ``width``."""
        layout = QTextLayout(self.text, self.font())
        layout.beginLayout()
        found = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1, width))
            found.append((line.textStart(), line.textLength()))
        layout.endLayout()
        return found

    def shown_lines(self, width: int | None = None) -> list[str]:
        """The lines painted at ``width`` (the widget's own by default)."""
        width = self.width() if width is None else width
        lines = self._layout(width)
        shown = [self.text[start : start + length].rstrip() for start, length in lines[: self.lines]]
        if len(lines) > self.lines:
            rest = self.text[lines[self.lines - 1][0] :]
            shown[-1] = self.fontMetrics().elidedText(rest, Qt.TextElideMode.ElideRight, width)
        return shown

    def is_cut(self) -> bool:
        return len(self._layout(self.width())) > self.lines

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(1, min(self.lines, len(self._layout(width)))) * self.fontMetrics().lineSpacing()

    def sizeHint(self) -> QSize:
        return QSize(260, self.heightForWidth(260))

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.fontMetrics().lineSpacing())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        spacing, ascent = self.fontMetrics().lineSpacing(), self.fontMetrics().ascent()
        for n, line in enumerate(self.shown_lines()):
            painter.drawText(QPointF(0, n * spacing + ascent), line)


class LinkCard(QFrame):
    """A link on offer beside a paragraph; ``action`` says which button was pressed."""

    action = Signal(str, object)  # action name, the Link

    def __init__(self, link: Link, draft_id: str, row: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.link = link
        self.setObjectName("link-card")
        self.setProperty("kind", link.kind.value)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 4)
        layout.setSpacing(4)
        self.caption = FittedLabel(link_captions(link, draft_id, row), keep_last=False)
        self.caption.setObjectName("caption")
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.text = ClippedText(link.text)
        self.text.setObjectName("link-text")
        whole = f"{link.text}\n\n— {link.source}" if link.kind is LinkKind.NOTE and link.source else link.text
        self.setToolTip(whole)
        use_interface_font(self.caption, self.text)  # as the variant tiles' text: the prose font is the cards'
        italic = self.caption.font()
        italic.setItalic(True)
        self.caption.setFont(italic)
        layout.addWidget(self.caption)
        layout.addWidget(self.text, 1)
        actions = NOTE_ACTIONS if link.kind is LinkKind.NOTE else ECHO_ACTIONS
        buttons, self.buttons = button_row(actions, lambda name: self.action.emit(name, self.link))
        layout.addLayout(buttons)
        self._style()

    def _style(self) -> None:
        palette = self.palette()
        bar = bar_colour(palette, self.link.kind)
        self.setStyleSheet(
            f"#link-card {{ border: 1px dashed {palette.color(QPalette.ColorRole.Mid).name()};"
            f" border-left: 4px solid {bar.name()}; border-radius: 3px;"
            f" background-color: {palette.color(QPalette.ColorRole.Window).name()}; }}"
        )

    def least_width(self) -> int:
        """The px its buttons need side by side (and so the card, with its margins)."""
        margins = self._layout.contentsMargins()
        return sum(b.sizeHint().width() + 2 for b in self.buttons.values()) + margins.left() + margins.right() + 8
