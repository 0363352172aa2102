"""The Help menu's actions: the sample project, the log folder, About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from cardwriter import __version__, logs
from cardwriter.errors import UserError
from cardwriter.services.sample_project import make_sample_copy

if TYPE_CHECKING:
    from cardwriter.gui.shell.main_window import MainWindow


class HelpActions:
    def __init__(self, window: MainWindow):
        self.window = window
        menu = window.menu
        menu.sample_requested.connect(self.open_sample)
        menu.open_log_folder_requested.connect(self.open_log_folder)
        menu.about_requested.connect(self.about)

    def open_sample(self) -> bool:
        """Help ▸ Open Sample Project: a fresh copy of the bundled sample, in the user's data folder."""
        try:
            return self.window.project_actions.open_path(make_sample_copy())
        except UserError as exc:
            self.window.warn("Cannot open the sample project", str(exc))
            return False

    def open_log_folder(self) -> bool:
        folder = logs.log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def about(self) -> None:
        self.window.show_box(
            QMessageBox.Icon.Information,
            "About Cardwriter",
            f"Cardwriter {__version__}\n\nAn offline writing desk: paragraphs as cards, "
            f"each with a stack of variants.\n\nLogs: {logs.log_folder()}",
        )
