"""Starting Qt: the application object, the first window, the event loop."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow

from cardwriter.gui.common.app_settings import AppSettings


def run(make_window: Callable[[AppSettings], QMainWindow]) -> int:
    running = QApplication.instance()
    app = running if isinstance(running, QApplication) else QApplication(sys.argv)
    app.setApplicationName("Cardwriter")
    app.setOrganizationName("Cardwriter")
    app.setWindowIcon(QIcon(str(Path(__file__).resolve().parents[2] / "resources" / "cardwriter.svg")))
    window = make_window(AppSettings())
    window.show()
    return app.exec()
