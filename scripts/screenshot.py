"""Render the main window on the sample project with a stack unfurled under its paragraph, to a PNG.

    xvfb-run -s "-screen 0 1366x768x24" python scripts/screenshot.py docs/screenshot.png [--dark]

The window fills a 1366×768 screen. It opens a fresh copy of the bundled sample
project (Help ▸ Open Sample Project: stacks written by the real default model),
unfurls the second paragraph's stack with the changed words marked, and lets the
real model start filling the last paragraph's stack so its peek shows progress.
Under Xvfb the whole screen is captured with ImageMagick's ``import``; elsewhere
(or with QT_QPA_PLATFORM=offscreen) the window renders itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from cardwriter.app import build_backend
from cardwriter.domain.model import VariantKind
from cardwriter.gui.common.app_settings import AppSettings
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.services.sample_project import make_sample_copy


def spin(app: QApplication, seconds: float, until=lambda: False) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not until():
        app.processEvents()
        time.sleep(0.02)


def quiet_settings(folder: Path, appearance: str = "light") -> AppSettings:
    """App settings kept in ``folder`` (never the user's), with no stack filling by itself."""
    settings = AppSettings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    prefs = settings.preferences()
    prefs.background_fill, prefs.appearance = False, appearance
    settings.save_preferences(prefs)
    return settings


def save_screen(app: QApplication, window: QWidget, out: Path) -> None:
    """The whole screen to ``out`` under Xvfb (ImageMagick's ``import``); elsewhere the window renders itself."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if app.platformName() == "xcb" and shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(out)], check=True)
    else:
        window.grab().save(str(out))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/screenshot.png").resolve()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = quiet_settings(Path(tmp), "dark" if "--dark" in sys.argv else "light")
        window = MainWindow(settings, build_backend(), make_sample_copy(Path(tmp)))
        screen = app.primaryScreen().availableGeometry()
        window.setGeometry(screen)
        window.show()
        spin(app, 120, lambda: window.status.model_state() in ("ready", "failed"))
        cards = window.session.cards
        unfurled = next(c for c in cards[2:] if c.stack())
        last = cards[-1]
        window.generation.generate(last.id, VariantKind.REWRITE)
        index = window.model.index_of_card(last.id)
        spin(app, 240, lambda: (index.data(CardRole.PROGRESS) or (0, 0))[0] >= 2)
        window.view.go_to_card(cards[1].id)
        window.stacks.unfurl(unfurled.id)
        panel = window.stacks.panel
        panel.step(1)  # the second variant reached with the Right key
        spin(app, 1.5)
        window.view.scrollTo(window.model.index_of_card(unfurled.id))
        top = window.view.visualRect(window.model.index_of_card(unfurled.id)).top()  # its card, then its stack
        window.view.verticalScrollBar().setValue(max(0, top - 12 + window.view.verticalScrollBar().value()))
        spin(app, 1.0)
        save_screen(app, window, out)
        window.generation.cancel_all()
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
