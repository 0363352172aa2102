"""Render the window with a stack unfurled whose paragraph has link cards (a note, two echoes), to a PNG.

    xvfb-run -s "-screen 0 1366x768x24" python scripts/screenshot_links.py docs/screenshot-links.png

Run from the repository root. The window fills a 1366×768 screen on a small project
built here with the storage API: a first chapter whose opening paragraph (about a
grandmother's letters in a tin) has three hand-written variants in its stack, says
the same thing again four paragraphs later, and again in a second chapter; the
notes hold one about old letters. The real all-MiniLM-L6-v2 works the links out in
the background, as in the app; then the paragraph's stack is unfurled: its variants,
and under them the link cards. Under Xvfb the whole screen is captured with
ImageMagick's ``import``; elsewhere (or with QT_QPA_PLATFORM=offscreen) the window
renders itself.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication
from screenshot import (  # the sibling script's helpers (scripts/ is on sys.path when run)
    quiet_settings,
    save_screen,
    spin,
)

from cardwriter.app import build_backend
from cardwriter.domain.model import Note, Provenance, Variant, VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project

LETTERS = (
    "My grandmother kept every letter she was ever sent in a biscuit tin under her bed, "
    "tied in bundles with kitchen string, one bundle for each year."
)
CHAPTER_1 = [
    "# The Tin Box",
    LETTERS,
    "On Sundays we walked down to the harbour and watched the fishing boats come in on the tide, "
    "the gulls screaming over the nets.",
    "The house smelled of coal smoke and lavender, and the clock in the hall ran ten minutes fast "
    "so that nobody would miss the bus.",
    "She never threw away a single letter. Decades of them waited in a tin beneath her bed, "
    "sorted by year and tied with string.",
]
CHAPTER_2 = [
    "The funeral was on a Tuesday, in rain that would not make up its mind.",
    "Every letter anyone had written to her, she kept: they lay in a biscuit tin under the bed, "
    "a bundle for every year, knotted with string from the kitchen drawer.",
]
VARIANTS = [
    "Every letter my grandmother was ever sent went into a biscuit tin under her bed, "
    "tied with kitchen string, a bundle for each year.",
    "Under her bed, in a biscuit tin, my grandmother kept all the letters anyone had sent her, "
    "a year to a bundle, each tied with kitchen string.",
    "My grandmother threw no letter away. They went under the bed in a biscuit tin, "
    "bundled year by year in kitchen string.",
]
NOTES = [
    Note(
        "Old letters kept for decades in a tin box: a whole life in paper, waiting for someone to read it.",
        source="my notebook, March",
    ),
    Note("Harbour in the rain: the boats nod on their ropes like tired horses.", source="overheard"),
    Note("Bread rises best in a warm kitchen while the oven ticks."),
]


def make_project(folder: Path) -> Path:
    path = folder / "The Tin Box.cardwriter"
    with Project.create(path) as project:
        first = draft_from_text("The Tin Box", "\n\n".join(CHAPTER_1) + "\n")
        first.cards[1].variants.extend(
            Variant(text, Provenance(VariantKind.REWRITE, angle=angle))
            for text, angle in zip(VARIANTS, ("", "plainer", "terser"), strict=True)
        )
        project.add_draft(first)
        project.add_draft(draft_from_text("After the Funeral", "\n\n".join(CHAPTER_2) + "\n"))
        project.add_notes(NOTES)
    return path


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/screenshot-links.png").resolve()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = quiet_settings(Path(tmp), "dark" if "--dark" in sys.argv else "light")
        window = MainWindow(settings, build_backend(), make_project(Path(tmp)))
        window.setGeometry(app.primaryScreen().availableGeometry())
        window.show()
        card = window.session.cards[1]
        index = window.model.index_of_card(card.id)
        spin(app, 120, lambda: len(index.data(CardRole.LINKS) or []) >= 3)  # the embedder loads on first use
        spin(app, 120, lambda: window.status.model_state() in ("ready", "failed"))
        window.view.go_to_card(card.id)
        window.stacks.unfurl(card.id)
        spin(app, 1.5)
        top = window.view.visualRect(index).top()  # its card, then its stack
        window.view.verticalScrollBar().setValue(max(0, top - 12 + window.view.verticalScrollBar().value()))
        spin(app, 1.0)
        save_screen(app, window, out)
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
