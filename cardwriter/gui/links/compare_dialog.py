"""Compare: a paragraph and its echo side by side, to see what one says that the other does not.

Each side is titled with its draft and paragraph number. The words each side has that
the other lacks are marked (``word_diff``, the marks of the variant cards: a tint and
an underline); "Mark differences" switches the marks off. Go There closes the dialog
and takes the writer to the echo (the links feature does that, on ``go_requested``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cardwriter.domain.links import Link
from cardwriter.gui.stack.link_card import paragraph_place
from cardwriter.gui.stack.variant_card import marked_html


def compare_titles(link: Link, draft_id: str, draft_title: str, row: int) -> tuple[str, str]:
    """The two sides' titles: "This paragraph · “Story”, ¶2" and "Said above · “Story”, ¶1" (the same
    draft) or "Said in “Chapter 2”, ¶3"."""
    here = f"This paragraph · “{draft_title}”, ¶{row + 1}"
    place = paragraph_place(link, draft_id, row)
    if link.draft_id == draft_id:
        above_or_below, number = place.split(", ")
        return here, f"Said {above_or_below} · “{draft_title}”, {number}"
    return here, f"Said {place}"


class CompareDialog(QDialog):
    go_requested = Signal()

    def __init__(
        self, here: tuple[str, str], there: tuple[str, str], parent: QWidget | None = None
    ):  # each side: (title, text)
        super().__init__(parent)
        self.setWindowTitle("Compare Paragraphs")
        self.setObjectName("compare-dialog")
        self.here, self.there = here, there
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.titles: list[QLabel] = []
        self.texts: list[QTextBrowser] = []
        for column, (title, _) in enumerate((here, there)):
            label = QLabel(title)
            label.setObjectName("side-title")
            bold = label.font()
            bold.setBold(True)
            label.setFont(bold)
            label.setWordWrap(True)
            text = QTextBrowser()
            text.setObjectName("side-text")
            text.setOpenLinks(False)
            grid.addWidget(label, 0, column)
            grid.addWidget(text, 1, column)
            self.titles.append(label)
            self.texts.append(text)
        self.marks = QCheckBox("Mark differences")
        self.marks.setToolTip("Mark the words each paragraph has and the other does not")
        self.marks.setChecked(True)
        self.marks.toggled.connect(self._fill)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.go = QPushButton("Go There")
        self.go.setObjectName("go")
        self.go.setToolTip("Close this and go to the other paragraph")
        buttons.addButton(self.go, QDialogButtonBox.ButtonRole.ActionRole)
        self.go.clicked.connect(self._go)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(self.marks)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(860, 320)
        self._fill()

    def _fill(self) -> None:
        (_, here), (_, there) = self.here, self.there
        on = self.marks.isChecked()
        self.texts[0].setHtml(marked_html(there, here, self.palette(), on))
        self.texts[1].setHtml(marked_html(here, there, self.palette(), on))

    def _go(self) -> None:
        self.accept()
        self.go_requested.emit()
