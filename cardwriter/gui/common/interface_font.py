"""The app's own font for the controls that live in the draft's column.

The draft view carries the writer's prose font (a 12 pt serif by default, or
whatever Settings chose), and Qt passes a widget's font down to every child. The
unfurled stack sits inside the view, so without this its buttons and title would
be set in the prose font too: larger than every other button in the app, and too
wide for a half-screen window ("More variants" squeezed to "Mor…nts").
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget


def use_interface_font(*widgets: QWidget) -> None:
    """Give each widget the font the app uses for its kind of widget (bold stays bold)."""
    for widget in widgets:
        font = QApplication.font(widget)
        font.setBold(widget.font().bold())
        widget.setFont(font)
