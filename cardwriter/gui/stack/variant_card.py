"""One variant in an unfurled stack: its caption, its text with the changed words marked, its buttons.

The text is a rich-text label built from ``domain.word_diff``: the words that
differ from the paragraph get a tinted background (and an underline, so the
mark does not rely on colour alone). The marks can be switched off.

Beside the caption, "voice 0.62" says how close the variant is to the writer's
own voice (``StyleProfile.closeness``: 1 is their voice itself, 0.5 as close as
their own paragraphs are to each other); absent without a baseline.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from cardwriter.domain.model import Variant, VariantState
from cardwriter.domain.word_diff import word_diff
from cardwriter.gui.common.fitted_label import FittedLabel
from cardwriter.gui.stack.tiles import button_row

ACTIONS = (  # (object name, label, tooltip)
    ("accept", "Accept", "Swap this into the card; the current text stays in the stack (Alt+number)"),
    ("pin", "Pin", "Keep this at the front of the stack"),
    ("discard", "Discard", "Take this out of the stack"),
    ("refine", "Refine", "Make variants of this variant"),
    ("copy", "Copy", "Copy the text"),
)


def describe(variant: Variant) -> str:
    """A short caption: what kind of variant, which angle, whether refined or pinned."""
    p = variant.provenance
    parts = [p.kind.value]
    if p.angle:
        parts.append(p.angle)
    if p.parent_id:
        parts.append("refined")
    if variant.state is VariantState.PINNED:
        parts.append("pinned")
    return " · ".join(parts)


def voice_mark(closeness: float | None) -> str:
    """The caption's closeness mark: "voice 0.62", a bar of five, or "" without a baseline."""
    return voice_wordings(closeness)[0]


def voice_wordings(closeness: float | None) -> tuple[str, ...]:
    """The closeness mark, longest first: with its bar, without, the number alone ("" without a baseline)."""
    if closeness is None:
        return ("",)
    filled = max(0, min(5, round(closeness * 5)))
    return (f"voice {closeness:.2f} " + "▮" * filled + "▯" * (5 - filled), f"voice {closeness:.2f}", f"{closeness:.2f}")


VOICE_TIP = (
    "How close this variant is to your own voice (your paragraphs written without the model): "
    "1 is your voice itself, 0.5 is as close as your own paragraphs are to each other"
)


def mark_colour(palette: QPalette) -> QColor:
    """A tint for changed words that reads on the card in light and dark palettes."""
    base, accent = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Highlight)
    t = 0.3 if base.lightness() > 128 else 0.45
    pairs = zip((base.red(), base.green(), base.blue()), (accent.red(), accent.green(), accent.blue()), strict=True)
    return QColor(*(round(b + (a - b) * t) for b, a in pairs))


def marked_html(paragraph: str, text: str, palette: QPalette, show_changes: bool) -> str:
    """The variant as rich text, its changed words marked when ``show_changes``."""
    if not show_changes:
        body = html.escape(text)
    else:
        colour = mark_colour(palette).name()
        body = "".join(
            f'<span style="background-color:{colour}; text-decoration: underline;">{html.escape(s.text)}</span>'
            if s.changed
            else html.escape(s.text)
            for s in word_diff(paragraph, text)
        )
    return f'<p style="white-space: pre-wrap; margin: 0;">{body}</p>'


class VariantCard(QFrame):
    """A variant shown side by side with its siblings; ``action`` says which button was pressed."""

    action = Signal(str, object)  # action name, the Variant
    clicked = Signal()

    def __init__(
        self,
        number: int,
        variant: Variant,
        paragraph: str,
        show_changes: bool,
        parent: QWidget | None = None,
        closeness: float | None = None,
    ):
        super().__init__(parent)
        self.variant = variant
        self.setObjectName("variant-card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(6)
        self.number = QLabel(f"<b>{number}</b>")
        self.number.setObjectName("number")
        self.number.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        accepts = f"Alt+{number} accepts this variant" if number <= 4 else ""
        # The caption and the voice mark share the header's line: in a narrow card they take shorter
        # wordings or elide, their whole text in the tooltip, rather than clip (``FittedLabel``).
        self.caption = FittedLabel((describe(variant),), accepts, keep_last=False)
        self.caption.setObjectName("caption")
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # It asks for "voice 0.62" and stretches into the room the caption leaves: the bar when there is room.
        self.voice = FittedLabel(voice_wordings(closeness), VOICE_TIP, asks_for=1)
        self.voice.setObjectName("voice")
        self.voice.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        if closeness is None:  # (never setVisible(True) here: without a parent yet, it would open a window)
            self.voice.hide()
        self.closeness = closeness
        self.text = QLabel()
        self.text.setObjectName("variant-text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setMinimumWidth(120)
        self.paragraph = paragraph
        self.show_changes(show_changes)
        header = QHBoxLayout()
        header.setSpacing(0)
        header.addWidget(self.number)
        header.addSpacing(6)
        header.addWidget(self.caption)
        header.addSpacing(10)
        header.addWidget(self.voice, 1)  # left-aligned, right after the caption
        layout.addLayout(header)
        layout.addWidget(self.text, 1)
        pinned = variant.state is VariantState.PINNED
        actions = [
            ("unpin", "Unpin", tip) if name == "pin" and pinned else (name, label, tip) for name, label, tip in ACTIONS
        ]
        buttons, self.buttons = button_row(actions, lambda name: self.action.emit(name, self.variant))
        layout.addLayout(buttons)
        self.set_current(False)

    def show_changes(self, on: bool) -> None:
        self.text.setText(marked_html(self.paragraph, self.variant.text, self.palette(), on))

    def set_current(self, current: bool) -> None:
        """The variant Left/Right has reached: outlined in the accent colour, twice as thick.

        The thin outline sits inside a 1 px margin, so both take the same 2 px: the card's text
        keeps its width, and so its lines, when Left/Right reaches it. (A 1 px border that grew
        to 2 px narrowed the text after the stack had been measured: a line more, cut off.)
        """
        self.setProperty("current", current)
        colour = self.palette().color(QPalette.ColorRole.Highlight if current else QPalette.ColorRole.Mid).name()
        outline = "border: 2px solid {}; margin: 0px;" if current else "border: 1px solid {}; margin: 1px;"
        self.setStyleSheet(
            f"#variant-card {{ {outline.format(colour)} border-radius: 6px;"
            f" background-color: {self.palette().color(QPalette.ColorRole.Base).name()}; }}"
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)
