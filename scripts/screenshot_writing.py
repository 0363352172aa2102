"""Screenshots of the writer's tools on the sample project: focus mode, and find and replace.

    xvfb-run -s "-screen 0 1366x768x24" python scripts/screenshot_writing.py focus docs/focus-mode.png
    xvfb-run -s "-screen 0 1366x768x24" python scripts/screenshot_writing.py find docs/find-replace.png

The window fills a 1366×768 screen on a fresh copy of the bundled sample project
(no stack is filled: background fill is off). "focus" enters focus mode on a
middle paragraph and types a sentence with a misspelt word (the red wavy line
shows); "find" opens the replace bar on a word, notes included, and steps to a match. Under Xvfb
the whole screen is captured with ImageMagick's ``import``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from screenshot import (  # the sibling script's helpers (scripts/ is on sys.path when run)
    quiet_settings,
    save_screen,
    spin,
)

from cardwriter.app import build_backend
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.services.sample_project import make_sample_copy


def main() -> int:
    mode, out = sys.argv[1], Path(sys.argv[2]).resolve()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = quiet_settings(Path(tmp))
        window = MainWindow(settings, build_backend(), make_sample_copy(Path(tmp)))
        window.setGeometry(app.primaryScreen().availableGeometry())
        window.show()
        spin(app, 60, lambda: window.status.model_state() in ("ready", "failed"))
        cards = window.session.cards
        if mode == "focus":
            window.view.go_to_card(cards[len(cards) // 2].id, -1)
            window.tools.focus.enter()
            spin(app, 1.0)
            QTest.keyClicks(window.view.editor(), " The lamp burnd on into the morning.", delay=5)
        else:
            word = "the"
            window.tools.find_bar.open_bar(replace=True)
            QTest.keyClicks(window.tools.find_bar.find_edit, word)
            window.tools.find_bar.whole_word.setChecked(True)
            window.tools.find_bar.include_notes.setChecked(True)  # the count takes in the notes' matches too
            window.tools.find_bar.replace_edit.setText("that")
            window.view.go_to_card(cards[1].id, 0)
            window.tools.find_bar.find_next()
            window.tools.find_bar.find_next()
        spin(app, 1.5)
        save_screen(app, window, out)
        window.tools.focus.leave()
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
