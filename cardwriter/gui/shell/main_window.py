"""The main window: arranges the draft, the notes dock, menus and status, and connects them.

The open project and draft live in the ``Workspace`` the window owns and hands
to its features. What happens lives elsewhere: the menu bar in ``main_menu``, generation policy
in ``generation_controller``, file commands in ``project_actions``, notes
meeting the draft in ``note_actions``, stacks unfurling under their cards in
``stack_actions``. The window swaps the widgets when a
project or draft opens or closes, and passes requests on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QWidget

from cardwriter.domain.model import VariantKind
from cardwriter.gui.common import appearance
from cardwriter.gui.common.app_settings import MODEL_FILE, AppSettings, Preferences
from cardwriter.gui.common.backend import Backend
from cardwriter.gui.common.background import shutdown_all
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.draft.emphasis import toggle_in_view
from cardwriter.gui.files.backup_actions import BackupActions
from cardwriter.gui.files.project_actions import ProjectActions
from cardwriter.gui.files.save_guard import SaveGuard
from cardwriter.gui.links.link_actions import LinkActions
from cardwriter.gui.notes.note_actions import NoteActions
from cardwriter.gui.notes.notes_panel import NotesPanel
from cardwriter.gui.settings.settings_dialog import SettingsDialog
from cardwriter.gui.shell.focus_chrome import FocusChrome
from cardwriter.gui.shell.help_actions import HelpActions
from cardwriter.gui.shell.main_menu import MainMenu
from cardwriter.gui.shell.panel_state import remember_panel
from cardwriter.gui.shell.start_panel import StartPanel
from cardwriter.gui.shell.status_bar import StatusBar
from cardwriter.gui.stack.generation_controller import GenerationController
from cardwriter.gui.stack.stack_actions import StackActions
from cardwriter.gui.tools.writing_tools import WritingTools
from cardwriter.gui.voice.voice_actions import VoiceActions
from cardwriter.gui.workspace import Workspace
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.projects import Project


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, backend: Backend, project_path: str | Path | None = None):
        """Open ``project_path`` (created if missing); without one, or if it cannot open, show the start panel."""
        appearance.apply(settings.preferences().appearance)  # light or dark before the first widget
        super().__init__()
        self.settings, self.backend = settings, backend
        self.workspace = Workspace(settings, self)
        self.workspace.dialog_parent = self
        self.message_box: QMessageBox | None = None  # the last message box shown
        self.setWindowTitle("Cardwriter")
        screen = QGuiApplication.primaryScreen().availableGeometry()  # never wider or taller than the screen
        self.resize(min(1200, screen.width()), min(800, screen.height()))

        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._connect_workspace()
        self.menu = MainMenu(self.menuBar(), self.undo_stack, settings.recent_projects, self._draft_list)
        self.voice = VoiceActions(self.workspace, self.menu.mark_mine, self)  # the gauge, the profile, the marks
        self.generation = GenerationController(
            backend.filler, backend.loader_for(self.prefs), self.prefs, self, voice_profile=self.voice.profile
        )
        self.generation.follow(self.workspace)  # the shown draft's stacks; a pause fills one
        self.project_actions = ProjectActions(self.workspace)
        self.project_actions.start_requested.connect(self.show_start)  # a project failed to open, none is
        self.project_actions.notes_read.connect(self._add_notes)  # File ▸ Add Notes, files dropped on the notes
        self.stacks = StackActions(self.workspace, self.generation, backend.angles, self.voice.closenesses)
        self.voice.profile_changed.connect(self.stacks.redraw_marks)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self._start_panel(""))  # the draft takes its place once a project opens
        self.tools = WritingTools(self.workspace, self.splitter, lambda: self.notes_panel, self)  # find, spelling, …
        self.tools.focus.changed.connect(FocusChrome(self).follow)  # focus mode: full screen, panels hidden
        self.status.addPermanentWidget(self.tools.target.label)
        self.status.addPermanentWidget(self.voice.gauge)
        self.save_guard = SaveGuard(self.workspace, self.tools.central, self.project_actions.journal)
        self.setCentralWidget(self.save_guard.widget)  # the draft (and tools) under the failed-save banner
        self.note_actions = NoteActions(
            self.workspace, backend.notes, self.generation, lambda paths: self.project_actions.add_note_files(paths)
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.note_actions.dock)
        self.links = LinkActions(self.workspace, self.note_actions, self.stacks, backend.notes.embedder)  # link cards
        self._add_navigator()
        self._connect_menu()
        self.help = HelpActions(self)
        self._connect_generation()
        remember_panel(self, self.note_actions.dock, "notes", self.menu.notes_panel)
        self.backups = BackupActions(self.workspace)  # backs up on closing, follows the preferences
        self.menu.back_up_requested.connect(self.backups.back_up_now)
        self.menu.open_backup_folder_requested.connect(self.backups.open_folder)
        self.workspace.draft_shown.connect(self._open_first_card)  # after every feature has seen the new draft
        if project_path is not None:
            self.project_actions.open_path(Path(project_path), create=True)

    # -- the workspace's state, for the window's own code and its tests ------------------

    @property
    def prefs(self) -> Preferences:
        return self.workspace.prefs

    @property
    def project(self) -> Project | None:
        return self.workspace.project

    @property
    def session(self) -> DraftSession | None:
        return self.workspace.session

    @property
    def model(self) -> CardListModel | None:
        return self.workspace.model

    @property
    def view(self) -> DraftView | None:
        return self.workspace.view

    @property
    def undo_stack(self) -> QUndoStack:
        return self.workspace.undo_stack

    @property
    def last_warning(self) -> str:
        return self.workspace.last_warning

    @property
    def notes_panel(self) -> NotesPanel | None:
        return self.note_actions.panel

    @property
    def start_panel(self) -> StartPanel | None:
        widget = self.splitter.widget(0)
        return widget if isinstance(widget, StartPanel) else None

    # -- connecting ----------------------------------------------------------------

    def _connect_workspace(self) -> None:
        ws = self.workspace
        ws.message.connect(self.status.showMessage)
        ws.warning.connect(self._show_warning)
        ws.draft_shown.connect(self._draft_shown)
        ws.project_closed.connect(self._project_closed)
        ws.preferences_changed.connect(self._preferences_changed)

    def _add_navigator(self) -> None:
        """The navigator dock, above the notes (sharing their column, so the draft keeps its width),
        shown or collapsed as the writer left it."""
        dock = self.tools.navigator.dock
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.splitDockWidget(dock, self.note_actions.dock, Qt.Orientation.Vertical)
        remember_panel(self, dock, "navigator", self.menu.navigator_panel)

    def _connect_menu(self) -> None:
        m, actions = self.menu, self.project_actions
        m.new_project_requested.connect(actions.new_project_dialog)
        m.open_project_requested.connect(actions.open_project_dialog)
        m.open_recent_requested.connect(lambda path: actions.open_path(Path(path)))
        m.save_as_requested.connect(actions.save_as_dialog)
        m.import_requested.connect(actions.import_dialog)
        m.add_notes_requested.connect(actions.add_notes_dialog)
        m.export_requested.connect(actions.export_dialog)
        m.settings_requested.connect(self.settings_dialog)
        m.models_requested.connect(self.models_page)
        m.quit_requested.connect(self.close)
        m.undo_requested.connect(self.undo)
        m.redo_requested.connect(self.redo)
        m.new_card_requested.connect(lambda: self.view and self.view.insert_card_below())
        m.delete_card_requested.connect(self._delete_card)
        m.move_card_requested.connect(self._move_card)
        m.toggle_stack_requested.connect(self.stacks.toggle)
        m.generate_requested.connect(self.generate_current)
        m.fill_all_requested.connect(self.generation.fill_all)
        m.cancel_requested.connect(self.generation.cancel_all)
        m.accept_requested.connect(self.stacks.accept_shown)
        m.tree_requested.connect(lambda: self.stacks.show_tree())
        self.stacks.unfurled_changed.connect(m.unfurl.setChecked)
        m.draft_requested.connect(self.show_draft)
        m.find_requested.connect(self.tools.find)
        m.find_step_requested.connect(self.tools.find_step)
        m.focus_requested.connect(self.tools.focus.toggle)
        m.target_requested.connect(self.tools.target.ask)
        m.emphasis_requested.connect(lambda marker: toggle_in_view(self.view, marker))  # Format ▸ Italic, Bold
        m.edit_menu.aboutToShow.connect(self.voice.marker.update)  # "Mark as My Writing" ticked for this card

    def _connect_generation(self) -> None:
        g = self.generation
        g.message.connect(self.status.showMessage)
        g.progress.connect(self.status.show_progress)
        g.model_state.connect(self.status.show_model_state)
        g.needs_saved_text.connect(self.save_typing)

    # -- projects and drafts ---------------------------------------------------

    def show_draft(self, draft_id: str) -> None:
        self.workspace.show_draft(draft_id)

    def close_project(self) -> None:
        self.workspace.close_project()

    def _delete_card(self) -> None:
        if self.view is not None:
            self.view.delete_current()

    def _move_card(self, step: int) -> None:
        if self.view is not None:
            self.view.move_current(step)

    def _draft_shown(self, view: DraftView) -> None:
        model, session, project = view.card_model(), self.session, self.project
        assert session is not None and project is not None
        self._replace_main_widget(view)
        self.status.watch_counts(model, view)
        self.setWindowTitle(f"{session.draft.title} — {Path(project.path).name} — Cardwriter")

    def _open_first_card(self, view: DraftView) -> None:
        """Last of all ``draft_shown`` handlers: the view has its fonts and measure, the features their hooks."""
        if self.session is not None and view is self.view:
            view.setFocus()
            view.go_to_card(self.session.cards[0].id, 0)

    def _project_closed(self) -> None:
        self.show_start()
        self.setWindowTitle("Cardwriter")

    def show_start(self, reason: str = "") -> None:
        """The start panel in place of the draft: ``reason`` says why no project is open, if one failed."""
        self._replace_main_widget(self._start_panel(reason))

    def _add_notes(self, notes: list) -> None:
        if self.notes_panel is not None:
            self.notes_panel.add_notes(notes)

    def _start_panel(self, reason: str) -> StartPanel:
        panel = StartPanel(self.settings.recent_projects(), reason)
        panel.new_requested.connect(self.project_actions.new_project_dialog)
        panel.open_requested.connect(self.project_actions.open_project_dialog)
        panel.recent_requested.connect(lambda path: self.project_actions.open_path(Path(path)))
        return panel

    def _replace_main_widget(self, widget: QWidget) -> None:
        old = self.splitter.replaceWidget(0, widget)
        self._main_widget = widget  # PySide's replaceWidget leaves the new widget to Python: keep it alive
        if old is not None:
            old.deleteLater()

    def _draft_list(self) -> list[tuple[str, str, bool]]:
        if self.project is None:
            return []
        current = self.session.draft.id if self.session is not None else ""
        return [(d.id, f"{d.title} ({d.card_count} cards)", d.id == current) for d in self.project.drafts()]

    def save_typing(self) -> bool:
        """Save what is being typed in the open card (before anything reads or changes the draft); False if it failed."""
        return self.workspace.save_typing()

    def undo(self) -> None:
        self.workspace.undo()

    def redo(self) -> None:
        self.workspace.redo()

    def generate_current(self) -> None:
        if self.view is not None and self.view.current_card_id():
            self.generation.generate(self.view.current_card_id(), VariantKind.REWRITE)

    # -- settings, help --------------------------------------------------------------

    def settings_dialog(self) -> None:
        dialog = SettingsDialog(self.prefs, self.backend.presets, self)
        if dialog.exec():
            self.apply_preferences(dialog.preferences(self.prefs))

    def models_page(self) -> None:
        """File ▸ Models…: download models; Use switches to one (the engine reloads in the background)."""
        from cardwriter.gui.settings.models_page import ModelsPage

        def use(path) -> None:  # a Path
            self.apply_preferences(dataclasses.replace(self.prefs, model_source=MODEL_FILE, model_path=str(path)))

        ModelsPage(self, on_use=use, prefs=self.prefs).exec()  # the model in use is marked in the list

    def apply_preferences(self, prefs: Preferences) -> None:
        """Keep the new preferences; another model restarts the generation worker with it."""
        self.workspace.set_preferences(prefs)

    def _preferences_changed(self, prefs: Preferences) -> None:
        old = self.generation.prefs
        model_changed = (prefs.model_source, prefs.model_path, prefs.server_url, prefs.gpu_layers) != (
            old.model_source,
            old.model_path,
            old.server_url,
            old.gpu_layers,
        )
        appearance.apply(prefs.appearance)
        self.generation.set_preferences(prefs, self.backend.loader_for(prefs) if model_changed else None)

    # -- closing, warnings ------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.save_guard.confirm_close():  # text that could not be saved: ask first
            return event.ignore()
        self.close_project()
        self.generation.shutdown()
        shutdown_all()  # cancel the rest of the background work, wait a few seconds at most
        super().closeEvent(event)

    def warn(self, title: str, message: str) -> None:
        """Tell the writer what went wrong, without stopping the event loop (and the model's progress)."""
        self.workspace.warn(title, message)

    def _show_warning(self, title: str, message: str) -> None:
        self.status.showMessage(message, 10000)
        self.show_box(QMessageBox.Icon.Warning, title, message)

    def show_box(self, icon: QMessageBox.Icon, title: str, message: str) -> None:
        """A non-modal message box (only when the window is on screen)."""
        if self.isVisible():
            box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.message_box = box
