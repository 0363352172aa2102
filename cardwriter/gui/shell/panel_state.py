"""Side panels (docks) that stay open or collapsed as the writer left them, also at the next start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDockWidget

if TYPE_CHECKING:
    from cardwriter.gui.shell.main_window import MainWindow


def remember_panel(window: MainWindow, dock: QDockWidget, name: str, shortcut: str) -> None:
    """Show ``dock`` as it was left, keep its state in the settings, and add its View menu toggle."""
    settings = window.settings
    dock.setVisible(settings.panel_visible(name))

    def toggled(shown: bool) -> None:
        if window.isVisible():  # the writer's doing, not the window closing
            settings.set_panel_visible(name, shown)

    dock.toggleViewAction().toggled.connect(toggled)
    window.menu.add_panel_action(dock.toggleViewAction(), shortcut)
