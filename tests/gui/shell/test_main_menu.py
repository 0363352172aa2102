"""The menu bar owns every shortcut, once; the keys work while typing in a card; Help opens the log folder."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QShortcut
from PySide6.QtWidgets import QMenu

from cardwriter import logs
from cardwriter.gui.draft.card_editor import CardEditor
from tests.gui.conftest import saved_texts

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def editing(window) -> CardEditor:
    found = [e for e in window.view.findChildren(CardEditor) if e.isVisible()]
    assert len(found) == 1, "exactly one card is being edited"
    return found[0]


def test_each_shortcut_has_one_owner_and_no_widget_binds_keys_of_its_own(window):
    owners = window.menu.shortcut_owners()
    assert owners["Ctrl+Shift+Up"] == ["Move Card &Up"] and owners["Ctrl+Shift+Down"] == ["Move Card &Down"]
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}
    assert window.findChildren(QShortcut) == []


def test_ctrl_shift_down_and_up_move_the_card_while_typing_in_it(qtbot, window, project_path):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    first, second = (c.text for c in window.session.cards[:2])
    qtbot.keyClicks(editing(window), "Now ")
    qtbot.keyClick(editing(window), Qt.Key.Key_Down, CTRL_SHIFT)
    assert [c.text for c in window.session.cards[:2]] == [second, "Now " + first], "typing saved, card moved down"
    assert window.session.cards[window.model.row_of(window.view.current_card_id())].text == "Now " + first
    qtbot.keyClick(editing(window), Qt.Key.Key_Up, CTRL_SHIFT)
    assert [c.text for c in window.session.cards[:2]] == ["Now " + first, second]
    qtbot.keyClick(editing(window), Qt.Key.Key_Down, CTRL_SHIFT)
    window.close()
    assert saved_texts(project_path)[:2] == [second, "Now " + first]


def test_the_window_keys_still_reach_the_window_from_the_editor(qtbot, window):
    """Ctrl+Return (new card below) is a menu shortcut too, and not a split in the editor."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    count = len(window.session.cards)
    qtbot.keyClick(editing(window), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(window.session.cards) == count + 1
    assert window.session.cards[1].text == "" and window.view.current_card_id() == window.session.cards[1].id


class FileManager(QObject):
    """Stands in for the desktop's file manager: Qt hands it the file URLs it is asked to open."""

    def __init__(self):
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_help_opens_the_log_folder(qtbot, window):
    manager = FileManager()
    QDesktopServices.setUrlHandler("file", manager, "open")
    try:
        window.menu.open_log_folder.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert manager.opened == [QUrl.fromLocalFile(str(logs.log_folder()))]
    assert logs.log_folder().is_dir()


def shown_actions(menu: QMenu) -> list[tuple[str, QAction]]:
    """Every action a menu shows, its submenus' too (separators and submenu entries left out)."""
    found = []
    for action in menu.actions():
        if action.menu() is not None:
            found += shown_actions(action.menu())
        elif not action.isSeparator():
            found.append((f"{menu.title()} ▸ {action.text()}", action))
    return found


def test_every_action_the_menu_bar_shows_is_defined_by_the_main_menu(window):
    """Features take their actions from ``main_menu``: none adds one of its own to the window's menus."""
    window.menu.fill_recent_menu()
    window.menu.fill_drafts_menu()  # the menus filled as they open
    actions = [found for action in window.menuBar().actions() for found in shown_actions(action.menu())]
    assert len(actions) > 30
    assert [name for name, action in actions if action.parent() is not window.menu.bar] == []
    shown = [action for _name, action in actions]
    assert window.menu.mark_mine in shown and window.voice.marker.action is window.menu.mark_mine
    assert window.menu.notes_panel in shown and window.menu.navigator_panel in shown


def test_the_view_menu_shows_and_hides_the_side_panels(window):
    notes, navigator = window.note_actions.dock, window.tools.navigator.dock
    toggle_notes, toggle_navigator = window.menu.notes_panel, window.menu.navigator_panel
    assert toggle_notes.isChecked() and notes.isVisible()
    toggle_notes.trigger()
    assert not notes.isVisible() and not toggle_notes.isChecked()
    notes.toggleViewAction().trigger()  # the dock's own close and show (its title bar's button)
    assert notes.isVisible() and toggle_notes.isChecked(), "the menu follows the dock"
    navigator.close()
    assert not toggle_navigator.isChecked()
    toggle_navigator.trigger()
    assert navigator.isVisible() and toggle_navigator.isChecked()
    owners = window.menu.shortcut_owners()
    assert owners["Ctrl+Shift+N"] == ["&Notes"] and owners["Ctrl+Shift+O"] == ["&Navigator"]
