"""Render the main window with a sample project to a PNG, with a stack filled by the real model.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot.py docs/screenshot.png

(Under Xvfb, leave QT_QPA_PLATFORM unset to get the desktop's real style.)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from cardwriter.app import build_backend
from cardwriter.domain.model import Note, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.app_settings import AppSettings
from cardwriter.gui.main_window import MainWindow
from cardwriter.storage.project import Project

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_paragraphs.jsonl"


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    app = QApplication.instance() or QApplication(sys.argv)
    rows = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Frankenstein notes.cardwriter"
        frankenstein = [r["text"] for r in rows if "Frankenstein" in r["source"]][:4]
        with Project.create(path) as project:
            project.add_draft(draft_from_text("Chapter Four", "# Chapter Four\n\n" + "\n\n".join(frankenstein) + "\n"))
            project.add_notes(
                Note(r["text"], source=r["source"].split(" (")[0])
                for r in rows if "Holmes" in r["source"] or "Frankenstein" in r["source"]
            )
        settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        prefs = settings.preferences()
        prefs.background_fill = False
        settings.save_preferences(prefs)
        window = MainWindow(settings, build_backend(), path)
        window.resize(1280, 800)
        window.show()
        card = window.session.cards[1].id
        window.generation.generate(card, VariantKind.RESTYLE, None)
        started = time.monotonic()
        while (window.generation.queue.pending() or window.status.model_state() == "loading") and time.monotonic() - started < 300:
            app.processEvents()
            time.sleep(0.02)
        window.generation.generate(window.session.cards[2].id, VariantKind.REWRITE, None)
        for _ in range(100):  # let the second fill start streaming into its card
            app.processEvents()
            time.sleep(0.02)
        window.view.go_to_card(card)
        started = time.monotonic()  # let "Near this paragraph" find its notes
        while not window.notes_panel.related.count() and time.monotonic() - started < 30:
            app.processEvents()
            time.sleep(0.02)
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.generation.cancel_all()
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
