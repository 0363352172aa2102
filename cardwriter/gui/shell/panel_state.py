"""Side panels (docks) that stay open or collapsed as the writer left them, also at the next start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

if TYPE_CHECKING:
    from cardwriter.gui.shell.main_window import MainWindow


def remember_panel(window: MainWindow, dock: QDockWidget, name: str, action: QAction) -> None:
    """Show ``dock`` as it was left, keep its state in the settings, and bind the menu's View toggle ``action``.

    ``action`` is ``main_menu``'s (it holds the text and shortcut); it follows the dock's own
    toggle, which knows when the dock is shown or closed (its close button, focus mode), and
    showing or hiding it from the menu shows or hides the dock.
    """
    settings = window.settings
    dock.setVisible(settings.panel_visible(name))
    own = dock.toggleViewAction()
    action.setChecked(own.isChecked())
    own.toggled.connect(action.setChecked)

    def from_menu(shown: bool) -> None:
        if shown != own.isChecked():
            own.trigger()  # the dock's own way: shows (and raises) or hides it

    def toggled(shown: bool) -> None:
        if window.isVisible():  # the writer's doing, not the window closing
            settings.set_panel_visible(name, shown)

    action.toggled.connect(from_menu)
    own.toggled.connect(toggled)
