"""Render the window with the voice gauge in the status bar and the voice panel open, to a PNG.

    xvfb-run -s "-screen 0 1366x768x24" python scripts/screenshot_voice.py docs/voice-meter.png

On a fresh copy of the bundled sample project, three variants of one paragraph
are accepted in turn (each acceptance is a point of the meter's history; the
other paragraphs stay the writer's own, the baseline), another stack is
unfurled so its variant cards show their "voice" marks, and the gauge is
clicked to open the panel with the history plot. Under Xvfb the whole screen
is captured with ImageMagick's ``import`` (the panel is a window of its own).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication
from screenshot import quiet_settings, save_screen, spin  # scripts/ is on the path when a script runs

from cardwriter.app import build_backend
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.services.sample_project import make_sample_copy


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/voice-meter.png").resolve()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = quiet_settings(Path(tmp))
        prefs = settings.preferences()
        prefs.voice_threshold = 1.2
        settings.save_preferences(prefs)
        window = MainWindow(settings, build_backend(), make_sample_copy(Path(tmp)))
        window.setGeometry(app.primaryScreen().availableGeometry())
        window.show()
        spin(app, 1.0)
        with_stacks = [c for c in window.session.cards if c.stack()]
        taken = with_stacks[0]  # the writer tries three of the model's wordings of one paragraph
        for variant in list(taken.stack())[:3]:
            window.workspace.push(undo_commands.accept(window.model, taken.id, variant.id))
            spin(app, 0.3)
        unfurled = with_stacks[-1]
        window.view.go_to_card(unfurled.id)
        window.stacks.unfurl(unfurled.id)
        spin(app, 1.0)
        panel = window.voice.open_panel()
        geometry = window.geometry()
        panel.move(geometry.right() - panel.width() - 40, geometry.top() + 90)
        spin(app, 1.5)
        save_screen(app, window, out)
        panel.close()
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
