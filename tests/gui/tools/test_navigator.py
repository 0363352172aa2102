"""The navigator panel over a real project: drafts, headings, jumping, renaming, reordering, deleting."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend

BOOK = "# Part One\n\nThe keeper climbed.\n\n## The Lamp\n\nHe lit the lamp.\n\n# Part Two\n\nMorning came.\n"


def book(tmp_path):
    path = tmp_path / "book.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Novel", BOOK))
        project.add_draft(draft_from_text("Notes draft", "Loose ends.\n"))
    return path


def open_window(qtbot, app_settings, path):
    window = MainWindow(app_settings, fake_backend(), path)
    qtbot.addWidget(window)
    window.show()
    return window


def labels(window):
    tree = window.tools.navigator.tree
    return [
        (
            tree.topLevelItem(i).text(0),
            [tree.topLevelItem(i).child(j).text(0).strip() for j in range(tree.topLevelItem(i).childCount())],
        )
        for i in range(tree.topLevelItemCount())
    ]


def test_navigator_lists_drafts_and_headings_and_jumps_to_a_heading(qtbot, app_settings, tmp_path):
    window = open_window(qtbot, app_settings, book(tmp_path))
    assert window.tools.navigator.dock.isVisible()
    assert labels(window) == [("Novel", ["Part One", "The Lamp", "Part Two"]), ("Notes draft", [])]
    tree = window.tools.navigator.tree
    part_two = tree.topLevelItem(0).child(2)
    tree.itemClicked.emit(part_two, 0)
    assert window.view.current_card_id() == window.session.cards[4].id
    assert window.view.editing_id() == window.session.cards[4].id
    tree.itemClicked.emit(tree.topLevelItem(1), 0)
    assert window.session.draft.title == "Notes draft"
    assert labels(window) == [("Novel", []), ("Notes draft", [])]
    window.close()


def test_headings_follow_typing(qtbot, app_settings, tmp_path):
    window = open_window(qtbot, app_settings, book(tmp_path))
    window.model.apply_text(window.session.cards[1].id, "# A new chapter")
    qtbot.waitUntil(lambda: labels(window)[0][1] == ["Part One", "A new chapter", "The Lamp", "Part Two"], timeout=2000)
    window.close()


def test_add_rename_reorder_and_delete_drafts_from_the_panel(qtbot, app_settings, tmp_path, monkeypatch):
    path = book(tmp_path)
    window = open_window(qtbot, app_settings, path)
    nav = window.tools.navigator
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Sequel", True)))
    nav.buttons["add"].click()
    assert window.session.draft.title == "Sequel"
    nav.tree.setCurrentItem(nav.tree.topLevelItem(0))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("The Novel", True)))
    nav.buttons["rename"].click()
    nav.tree.setCurrentItem(nav.tree.topLevelItem(2))
    nav.buttons["up"].click()
    assert [t for t, _ in labels(window)] == ["The Novel", "Sequel", "Notes draft"]
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("The Novel", True)))
    nav.tree.setCurrentItem(nav.tree.topLevelItem(1))
    nav.buttons["rename"].click()  # a title another draft has is refused with a message
    assert "already has a draft" in window.last_warning

    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    )
    nav.tree.setCurrentItem(nav.tree.topLevelItem(1))
    nav.buttons["delete"].click()
    assert "Sequel" in asked[0] and len(labels(window)) == 3  # said no: nothing deleted
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    nav.buttons["delete"].click()  # the open draft: another opens first
    assert [t for t, _ in labels(window)] == ["The Novel", "Notes draft"]
    assert window.session.draft.title == "The Novel"
    window.close()
    with Project.open(path) as project:
        assert [d.title for d in project.drafts()] == ["The Novel", "Notes draft"]
