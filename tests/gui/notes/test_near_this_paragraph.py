"""'Near this paragraph' at the writer's desk: two notes in the library, a paragraph typed about one of them.

The real all-MiniLM-L6-v2 decides what is near (slow). The writer types into the
first, empty card of a new project; nothing moves the cursor to another card, so
the related notes must follow the typing itself.
"""

from __future__ import annotations

import pytest

from cardwriter.domain.model import Note
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.notes.notes_model import NOTE_ID_ROLE
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend

DAMP = Note("Moisture ruins old paper.", id="damp")
KETTLE = Note("The kettle had been whistling for a minute before anyone got up.", id="kettle")
PARAGRAPH = (
    "The letters in the attic had gone soft and spotted with mould after the wet winter, "
    "and the ink was lifting off the pages."
)


@pytest.mark.slow
def test_near_this_paragraph_shows_the_note_about_what_is_being_typed(qtbot, app_settings, tmp_path):
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    path = tmp_path / "desk.cardwriter"
    with Project.create(path) as project:
        project.add_notes([DAMP, KETTLE])
    win = MainWindow(app_settings, fake_backend(embedder=SentenceTransformerEmbedder()), path)
    qtbot.addWidget(win)
    win.resize(1100, 760)
    win.show()
    qtbot.waitExposed(win)
    panel = win.notes_panel
    assert panel.model.rowCount() == 2
    editor = [e for e in win.view.findChildren(CardEditor) if e.isVisible()][0]
    qtbot.keyClicks(editor, PARAGRAPH)

    def shown() -> list[str]:
        return [panel.related.item(i).data(NOTE_ID_ROLE) for i in range(panel.related.count())]

    qtbot.waitUntil(lambda: bool(shown()), timeout=60_000)  # the embedder loads on first use
    assert shown() == [DAMP.id]  # the kettle has nothing to do with damp letters
    assert panel.related_label.isVisible() and panel.related.isVisible()
    assert "Moisture ruins old paper" in panel.related.item(0).text()
    win.close()
