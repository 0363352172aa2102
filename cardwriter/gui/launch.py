"""Starting Qt: the application object, the first window, the event loop."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QMainWindow

from cardwriter.gui.app_settings import AppSettings


def run(make_window: Callable[[AppSettings], QMainWindow]) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Cardwriter")
    app.setOrganizationName("Cardwriter")
    window = make_window(AppSettings())
    window.show()
    return app.exec()
