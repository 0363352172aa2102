"""The menu bar: every menu action and its shortcut is defined here, once.

The menu does nothing itself: each action emits a request signal and the
window connects it to whoever does the work. A few actions carry state a
feature keeps up to date, and are handed to it as they are: the "Mark as My
Writing" check box (``mark_mine``, the voice feature ticks it for the card the
writer is in) and the View menu's panel toggles (``notes_panel``,
``navigator_panel``, bound to their docks by ``panel_state``). No feature adds
an action of its own or looks a menu up by its title. A shortcut belongs to its
menu action only (no widget binds the same keys again), so it works the same in
the card editor, the notes panel or the stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu, QMenuBar

EXPORT_FORMATS = (
    ("Markdown…", "md"),
    ("Plain Text…", "txt"),
    ("Word Document (.docx)…", "docx"),
    ("OpenDocument Text (.odt)…", "odt"),
    ("Web Page (.html)…", "html"),
    ("PDF…", "pdf"),
    ("Whole Project as JSON…", "json"),
)
ACCEPT_KEYS = 4  # Alt+1 … Alt+4 accept the variants shown
MARK_MINE_TEXT = "Mark as My &Writing"


class MainMenu(QObject):
    new_project_requested = Signal()
    open_project_requested = Signal()
    open_recent_requested = Signal(str)  # path
    save_as_requested = Signal()
    back_up_requested = Signal()
    open_backup_folder_requested = Signal()
    import_requested = Signal()
    add_notes_requested = Signal()
    export_requested = Signal(str)  # "md" | "txt" | "docx" | "odt" | "html" | "pdf" | "json"
    settings_requested = Signal()
    models_requested = Signal()
    quit_requested = Signal()
    undo_requested = Signal()
    redo_requested = Signal()
    new_card_requested = Signal()
    delete_card_requested = Signal()
    move_card_requested = Signal(int)  # -1 up, +1 down
    toggle_stack_requested = Signal()
    generate_requested = Signal()
    fill_all_requested = Signal()
    cancel_requested = Signal()
    accept_requested = Signal(int)  # which of the variants shown, from 0
    tree_requested = Signal()  # the current card's tree of tries
    draft_requested = Signal(str)  # draft id
    open_log_folder_requested = Signal()
    about_requested = Signal()
    sample_requested = Signal()
    find_requested = Signal(bool)  # True: with the replace row (Ctrl+H)
    find_step_requested = Signal(int)  # +1 next match (F3), -1 previous (Shift+F3)
    focus_requested = Signal()  # focus mode on or off (F11)
    target_requested = Signal()  # set the session word target
    emphasis_requested = Signal(str)  # "*" italic (Ctrl+I) or "**" bold (Ctrl+B), toggled in the card

    def __init__(
        self,
        bar: QMenuBar,
        undo_stack: QUndoStack,
        recent: Callable[[], list[str]],
        drafts: Callable[[], list[tuple[str, str, bool]]],
    ):
        """``recent`` lists recent project paths; ``drafts`` lists (id, label, is current) of the open project."""
        super().__init__(bar)
        self.bar = bar
        self._recent, self._drafts = recent, drafts
        self._build_file()
        self._build_edit(undo_stack)
        format_menu = bar.addMenu("F&ormat")  # Markdown's markers, which the exports render
        self._add(format_menu, "&Italic", self.emphasis_requested, "Ctrl+I", "*")
        self._add(format_menu, "&Bold", self.emphasis_requested, "Ctrl+B", "**")
        self._build_stack()
        self.view_menu = bar.addMenu("&View")
        self.focus_mode = self._add(self.view_menu, "&Focus Mode", self.focus_requested, "F11")
        self.navigator_panel = self._panel_action("&Navigator", "Ctrl+Shift+O")
        self.notes_panel = self._panel_action("&Notes", "Ctrl+Shift+N")
        self.drafts_menu = bar.addMenu("&Drafts")
        self.drafts_menu.aboutToShow.connect(self.fill_drafts_menu)
        help_menu = bar.addMenu("&Help")
        self.open_sample = self._add(help_menu, "Open &Sample Project", self.sample_requested)
        self.open_log_folder = self._add(help_menu, "Open &Log Folder", self.open_log_folder_requested)
        self._add(help_menu, "&About Cardwriter", self.about_requested)

    def _add(self, menu: QMenu, text: str, signal, shortcut=None, *args) -> QAction:
        """An action in ``menu`` that emits ``signal`` (with ``args``) when triggered."""
        action = QAction(text, self.bar)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: signal.emit(*args))
        menu.addAction(action)
        return action

    def _build_file(self) -> None:
        file = self.bar.addMenu("&File")
        self._add(file, "&New Project…", self.new_project_requested, QKeySequence.StandardKey.New)
        self._add(file, "&Open Project…", self.open_project_requested, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self._add(file, "Save &As…", self.save_as_requested, QKeySequence.StandardKey.SaveAs)
        self._add(file, "&Back Up Now", self.back_up_requested)
        self._add(file, "Open Bac&kup Folder", self.open_backup_folder_requested)
        file.addSeparator()
        self._add(file, "&Import Text, Markdown, Word or ODF…", self.import_requested, "Ctrl+Shift+I")
        self._add(file, "Add &Notes from Files…", self.add_notes_requested)
        export = file.addMenu("&Export")
        for label, fmt in EXPORT_FORMATS:
            self._add(export, label, self.export_requested, None, fmt)
        file.addSeparator()
        self._add(file, "&Settings…", self.settings_requested, QKeySequence.StandardKey.Preferences)
        self._add(file, "&Models…", self.models_requested)
        self._add(file, "&Quit", self.quit_requested, QKeySequence.StandardKey.Quit)

    def _build_edit(self, undo_stack: QUndoStack) -> None:
        edit = self.bar.addMenu("&Edit")
        # The undo stack's own actions keep their text and enabled state up to date; the window
        # still does the undoing, because typing in progress must be saved first.
        for make, label, key, signal in (
            (undo_stack.createUndoAction, "&Undo", QKeySequence.StandardKey.Undo, self.undo_requested),
            (undo_stack.createRedoAction, "&Redo", QKeySequence.StandardKey.Redo, self.redo_requested),
        ):
            action = make(self.bar, label)
            action.setShortcut(QKeySequence(key))
            action.triggered.disconnect()
            action.triggered.connect(lambda _=False, signal=signal: signal.emit())
            edit.addAction(action)
        edit.addSeparator()
        self._add(edit, "New Card &Below", self.new_card_requested, "Ctrl+Return")
        self._add(edit, "&Delete Card", self.delete_card_requested, "Ctrl+Shift+Backspace")
        self.move_up = self._add(edit, "Move Card &Up", self.move_card_requested, "Ctrl+Shift+Up", -1)
        self.move_down = self._add(edit, "Move Card &Down", self.move_card_requested, "Ctrl+Shift+Down", 1)
        edit.addSeparator()
        self._add(edit, "&Find…", self.find_requested, QKeySequence.StandardKey.Find, False)
        self._add(edit, "&Replace…", self.find_requested, "Ctrl+H", True)
        self._add(edit, "Find &Next", self.find_step_requested, "F3", 1)
        self._add(edit, "Find &Previous", self.find_step_requested, "Shift+F3", -1)
        edit.addSeparator()
        self.mark_mine = QAction(MARK_MINE_TEXT, self.bar)  # ticked, enabled and triggered by the voice feature
        self.mark_mine.setCheckable(True)
        self.mark_mine.setToolTip(
            "Count this paragraph as your own writing in your voice's baseline and the voice meter, "
            "whatever the model put in it"
        )
        edit.addAction(self.mark_mine)
        self.edit_menu = edit

    def _build_stack(self) -> None:
        stack = self.bar.addMenu("&Stack")
        self.unfurl = self._add(stack, "&Unfurl Stack", self.toggle_stack_requested, "Ctrl+Space")
        self.unfurl.setCheckable(True)  # checked while a stack is unfurled; Esc or a click on the paragraph folds it
        self._add(stack, "&Generate Variants", self.generate_requested, "Ctrl+G")
        self._add(stack, "&Fill All Stacks", self.fill_all_requested, "Ctrl+Shift+G")
        self._add(stack, "&Cancel Generation", self.cancel_requested, "Ctrl+.")
        for n in range(1, ACCEPT_KEYS + 1):
            self._add(stack, f"Accept Variant {n}", self.accept_requested, f"Alt+{n}", n - 1)
        stack.addSeparator()
        self.tree_of_tries = self._add(stack, "Tree of &Tries…", self.tree_requested, "Ctrl+Shift+T")

    def _panel_action(self, text: str, shortcut: str) -> QAction:
        """A side panel's show/hide check box in the View menu (``panel_state`` binds it to its dock)."""
        action = QAction(text, self.bar)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(shortcut))
        self.view_menu.addAction(action)
        return action

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            self._add(self.recent_menu, path, self.open_recent_requested, None, path)
        if self.recent_menu.isEmpty():
            empty = QAction("No recent projects", self.bar)
            empty.setEnabled(False)
            self.recent_menu.addAction(empty)

    def fill_drafts_menu(self) -> None:
        self.drafts_menu.clear()
        for draft_id, label, current in self._drafts():
            action = self._add(self.drafts_menu, label, self.draft_requested, None, draft_id)
            action.setCheckable(True)
            action.setChecked(current)
        self.drafts_menu.addSeparator()
        self._add(self.drafts_menu, "Set Session &Target…", self.target_requested)

    def shortcut_owners(self) -> dict[str, list[str]]:
        """Every shortcut of the menu and the actions that bind it (one each, when all is well)."""
        owners: dict[str, list[str]] = {}
        for action in self.bar.findChildren(QAction):
            for key in action.shortcuts():
                owners.setdefault(key.toString(), []).append(action.text())
        return owners
