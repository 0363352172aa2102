"""Backups: File ▸ Back Up Now, every few minutes, on close; File ▸ Open Backup Folder.

Each backup is ``services.backup.rotate`` into the project's default backup
folder (in the user data folder), keeping the newest ``backups_kept``. A
failed backup is a warning, never an exception: writing goes on.

Backups run on the GUI thread. The project holds its file with an exclusive
lock and one connection, so no other thread or connection can read it; and
SQLite's backup API on that connection is quick: a 5,000-card project
(1.8 MB of text) backs up in about 40 ms here, the same project with 8
variants per card (27 MB) in about 150 ms, once every few minutes.

The timer and closing back up only when the project changed since the last
backup (SQLite's count of changed rows on the project's connection says so).
The workspace says when the project is closing and when the preferences
change; the menu's requests are connected to ``back_up_now`` and
``open_folder`` by whoever builds the menu.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices

from cardwriter.errors import UserError
from cardwriter.gui.common.app_settings import Preferences
from cardwriter.gui.workspace import Workspace
from cardwriter.services.backup import backups, default_backup_folder, rotate

if TYPE_CHECKING:
    from cardwriter.services.projects import Project

log = logging.getLogger(__name__)

MINUTE_MS = 60_000


class BackupActions(QObject):
    def __init__(self, workspace: Workspace, parent: QObject | None = None):
        super().__init__(parent if parent is not None else workspace)
        self.workspace = workspace
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.back_up_if_changed)
        self.last_backup: Path | None = None
        self._backed_up: tuple[str, int] | None = None  # (project path, changes count) of the last backup
        workspace.project_closing.connect(self.back_up_if_changed)  # the project is still open then
        workspace.preferences_changed.connect(self.apply)
        self.apply(workspace.prefs)

    def apply(self, prefs: Preferences) -> None:
        """Back up every ``prefs.backup_minutes`` minutes (never when 0)."""
        if prefs.backup_minutes > 0:
            self.timer.start(prefs.backup_minutes * MINUTE_MS)
        else:
            self.timer.stop()

    def folder(self) -> Path | None:
        project = self.workspace.project
        return default_backup_folder(Path(project.path)) if project is not None else None

    def back_up_now(self) -> Path | None:
        """File ▸ Back Up Now: always back up, and say where (or why not, in a warning)."""
        return self._back_up(loud=True)

    def back_up_if_changed(self) -> Path | None:
        """The timer, and closing: save the typing, then back up quietly if anything changed since the last backup."""
        self.workspace.save_typing()
        project = self.workspace.project
        if project is None or self._backed_up == self._state(project):
            return None
        if self._state(project)[1] == 0 and backups(Path(project.path), self.folder()):
            return None  # unchanged since it was opened, and backed up before: keep the older backups
        return self._back_up(loud=False)

    def open_folder(self) -> bool:
        folder = self.folder()
        if folder is None:
            return False
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.workspace.warn("Cannot open the backup folder", f"Cannot make {folder}: {exc.strerror}")
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @staticmethod
    def _state(project: Project) -> tuple[str, int]:
        """The project's file and how many changes it has had since it was opened."""
        return str(project.path), project.db.conn.total_changes

    def _back_up(self, loud: bool) -> Path | None:
        ws = self.workspace
        project = ws.project
        if project is None:
            return None
        ws.save_typing()  # the backup holds what is saved; unsaved text is in the recovery file
        try:
            path = rotate(project, self.folder(), keep=max(1, ws.prefs.backups_kept))
        except UserError as exc:
            log.warning("backup failed: %s", exc)
            if loud:
                ws.warn("Backup failed", str(exc))
            else:
                ws.say(f"Automatic backup failed: {exc}", 15000)
            return None
        self._backed_up = self._state(project)
        self.last_backup = path
        log.info("backed up %s to %s", project.path, path)
        ws.say(f"Backed up to {path}", 8000)
        return path
