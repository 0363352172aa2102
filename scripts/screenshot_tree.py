"""Render the tree of tries open over the window, to a PNG.

    xvfb-run -s "-screen 0 1366x768x24" python scripts/screenshot_tree.py docs/screenshot-tree.png

Run from the repository root. The window fills a 1366×768 screen on a small
project built here with the storage API (no model writes anything): the second
paragraph has an hour of tries behind it, with made-up times: four variants, the
first accepted, two refines of it, a fusion with a note, a discarded restyle, the
writer's own edit, a refine of the refine accepted last. Its tree of tries opens
(Stack ▸ Tree of Tries) on the fusion, so the right pane marks what differs from
the paragraph now. Under Xvfb the whole screen is captured with ImageMagick's
``import``; elsewhere (or with QT_QPA_PLATFORM=offscreen) the window and the tree
render themselves, side by side.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication
from screenshot import quiet_settings, spin  # the sibling script's helpers (scripts/ is on sys.path when run)

from cardwriter.app import build_backend
from cardwriter.domain.model import Note, Provenance, Variant, VariantKind, VariantState
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project

TEXT = (
    "The old keeper climbed the winding stairs every evening, counting the steps aloud.\n\n"
    "Below him the sea turned grey, then black, and the gulls went quiet on the rocks.\n\n"
    "He lit the lamp and sat with his tea, listening to the wind test the windows.\n\n"
    "In the morning the boat came with bread and letters, and he read them twice.\n"
)
NOTE = Note("The sea is all about us; it has no edges, only weather.", source="notebook")


def ago(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="milliseconds")


def variant(text: str, minutes: int, kind=VariantKind.REWRITE, **provenance) -> Variant:
    return Variant(text, Provenance(kind, created=ago(minutes), **provenance))


def accept(project: Project, card_id: str, chosen: Variant, minutes: int) -> None:
    """What ``editing.accept_variant`` does, at a time in the past: the replaced text kept, the time recorded."""
    current = project.card(card_id).text
    held = [v for v in project.variants(card_id) if v.state is VariantState.ACCEPTED and v.text == current]
    if held:
        project.set_variant_state(held[0].id, VariantState.IN_STACK)
    else:
        project.add_variants(card_id, [variant(current, minutes, VariantKind.ORIGINAL)])
    project.set_card_text(card_id, chosen.text)
    project.set_variant_state(chosen.id, VariantState.ACCEPTED)
    project.record_acceptance(card_id, chosen.id, at=ago(minutes))


def make_project(path: Path) -> None:
    """The story, and an hour of tries on its second paragraph."""
    with Project.create(path) as project:
        draft = draft_from_text("Lighthouse", TEXT)
        project.add_draft(draft)
        project.add_notes([NOTE])
        card = draft.cards[1].id
        a = variant("Below him the sea went grey, then black, and the gulls fell silent on the stones.", 55)
        plainer = variant(
            "The sea below turned dark. The gulls stopped calling.", 55, VariantKind.RESTYLE, angle="plainer"
        )
        lyrical = variant(
            "Beneath him the water dimmed from pewter to ink, and the gulls folded their voices into the rocks.",
            55,
            VariantKind.RESTYLE,
            angle="more lyrical",
        )
        onward = variant("Then the first light of a ship showed far out, and was gone.", 55, VariantKind.CONTINUE)
        project.add_variants(card, [a, plainer, lyrical, onward])
        accept(project, card, a, 48)
        slower = variant(
            "Below him the sea went grey, slowly, then black, and the gulls fell silent on the stones.",
            44,
            parent_id=a.id,
        )
        stones = variant(
            "Below him the sea greyed, then blackened; on the stones the gulls fell silent.", 44, parent_id=a.id
        )
        project.add_variants(card, [slower, stones])
        project.set_variant_state(lyrical.id, VariantState.DISCARDED)
        fusion = variant(
            "Below him the sea had no edges, only weather: grey, then black, and the gulls went quiet on the rocks.",
            35,
            VariantKind.RECOMBINE,
            note_ids=(NOTE.id,),
        )
        project.add_variants(card, [fusion])
        project.set_card_text(card, "Below him the sea went grey, then black; the gulls were quiet on the stones.")
        accept(project, card, slower, 20)  # the writer's own edit goes into the stack
        last = variant(
            "Below him the sea went grey, slowly, then black, and on the stones the gulls fell silent.",
            12,
            parent_id=slower.id,
        )
        project.add_variants(card, [last])
        accept(project, card, last, 6)


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/screenshot-tree.png").resolve()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = quiet_settings(Path(tmp))
        path = Path(tmp) / "Lighthouse.cardwriter"
        make_project(path)
        window = MainWindow(settings, build_backend(), path)
        on_screen = app.platformName() == "xcb" and shutil.which("import")
        window.setGeometry(app.primaryScreen().availableGeometry() if on_screen else QRect(0, 0, 1366, 768))
        window.show()
        spin(app, 60, lambda: window.status.model_state() in ("ready", "failed"))
        second = window.session.cards[1]
        window.view.go_to_card(second.id)
        window.menu.tree_of_tries.trigger()  # Stack ▸ Tree of Tries, on the card the writer is in
        tree = window.stacks.tree
        assert tree is not None, "the tree of tries did not open"
        fusion = next(v for v in second.variants if v.provenance.kind is VariantKind.RECOMBINE)
        tree.choose(fusion.id)
        geometry = window.geometry()
        tree.move(geometry.center().x() - tree.width() // 2, geometry.top() + 120)
        spin(app, 1.5)
        out.parent.mkdir(parents=True, exist_ok=True)
        if on_screen:
            subprocess.run(["import", "-window", "root", str(out)], check=True)
        else:  # no screen to capture: the window, with the tree drawn where it stands
            shot = QPixmap(window.grab())
            painter = QPainter(shot)
            painter.drawPixmap(tree.pos() - window.pos(), tree.grab())
            painter.end()
            shot.save(str(out))
        tree.close()
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
