"""Settings ▸ Models: the model in use, the catalog and the downloaded files, with Download, Pause, Resume, Cancel and Use.

The list has a column each for the name, the size and the state; the page
opens wide enough for the longest name (at most the screen's width), and a
name that a narrowed page cannot fit ends in "…" with the whole name in its
tooltip. The model the preferences load (``model_in_use``: the packaged
SmolLM2, a chosen GGUF file, or a server) is marked "✓ in use": its catalog
row if it is one, else a row of its own at the top.

A download runs in the background (a ``BackgroundCall``, the GUI's one
pattern for background work; ``generation.model_download`` checks space,
resumes with Range, verifies and probes); its progress and outcome reach the
GUI thread by signal. Pause and Cancel set the download's ``DownloadControl``;
closing the window or the app pauses it (so it can resume) and waits a little.
Use makes the file the default model (``model_config``, shared with the
command line) and hands the new preferences to ``on_use``: the window then
reloads the engine in the background while the writer types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from cardwriter.generation.model_catalog import DownloadSpec, load_catalog
from cardwriter.generation.model_download import (
    DONE,
    PAUSED,
    DownloadControl,
    DownloadResult,
    Progress,
    discard_partial,
    download_model,
    partial_size,
)
from cardwriter.gui.common.app_settings import MODEL_FILE, Preferences
from cardwriter.gui.common.background import BackgroundCall, Task
from cardwriter.gui.settings.model_in_use import ModelInUse, is_file_in_use, model_in_use

FAILED = "failed"
CLOSE_WAIT_SECONDS = 5.0
NAME, SIZE, STATE = range(3)  # the list's columns
IN_USE = "✓ in use"


class ModelsPage(QDialog):
    """The model manager window (opened from Settings or the Models… menu item)."""

    download_ended = Signal(str, str)  # state ("done", "paused", "cancelled", "failed"), path or message

    def __init__(
        self,
        parent=None,
        *,
        catalog: list[DownloadSpec] | None = None,
        folder: Path | None = None,
        on_use: Callable[[Path], None] | None = None,
        probe: Callable[[Path], None] | None = None,
        prefs: Preferences | None = None,
    ):
        """``prefs``: the writer's preferences, which say the model in use (the packaged default without them)."""
        super().__init__(parent)
        from cardwriter.generation.model_files import user_models_dir

        self.setWindowTitle("Models")
        self.catalog = load_catalog() if catalog is None else catalog
        self.folder = folder or user_models_dir()
        self.on_use, self.probe = on_use, probe
        self.prefs = prefs or Preferences()
        self.control: DownloadControl | None = None
        self.download_call = BackgroundCall(self, doing="downloading the model", newest_wins=False)
        self.download_call.progress.connect(self._progress)
        self.download_call.finished.connect(self._downloaded)
        self.download_call.failed.connect(self._download_failed)
        self.download_call.cancelled.connect(self._download_stopped)

        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Model", "Size", "State"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAllColumnsShowFocus(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)  # a name cut short ends in "…"
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SIZE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STATE, QHeaderView.ResizeMode.ResizeToContents)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.download_button = QPushButton("Download")
        self.pause_button = QPushButton("Pause")
        self.cancel_button = QPushButton("Cancel Download")
        self.use_button = QPushButton("Use")
        self.download_button.clicked.connect(self.download)
        self.pause_button.clicked.connect(self.pause)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(self.use)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        buttons = QHBoxLayout()
        for b in (self.download_button, self.pause_button, self.cancel_button, self.use_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.refresh()
        self._fit_names()

    # -- the list -------------------------------------------------------------

    def refresh(self) -> None:
        current = self.list.currentItem()
        was = current.text(NAME) if current is not None else ""
        self.list.clear()
        in_use = model_in_use(self.prefs)
        if not any(is_file_in_use(in_use, self.folder / spec.file) for spec in self.catalog):
            self._add_row(in_use.name, in_use.size, f"{IN_USE} ({in_use.origin})", in_use.where, None)
        for spec in self.catalog:
            state = self._state(spec)
            if is_file_in_use(in_use, self.folder / spec.file):
                state = f"{state}, {IN_USE}"
            self._add_row(spec.name, spec.approx_size or "size unknown", state, spec.notes, spec)
        rows = self._rows()
        chosen = next((item for item in rows if item.text(NAME) == was), None)
        first_catalog = next((item for item in rows if item.data(NAME, Qt.ItemDataRole.UserRole)), None)
        if current := chosen or first_catalog or (rows[0] if rows else None):
            self.list.setCurrentItem(current)
        self._update_buttons()

    def _rows(self) -> list[QTreeWidgetItem]:
        return [item for i in range(self.list.topLevelItemCount()) if (item := self.list.topLevelItem(i)) is not None]

    def _add_row(self, name: str, size: str, state: str, about: str, spec: DownloadSpec | None) -> None:
        item = QTreeWidgetItem([name, size, state])
        item.setData(NAME, Qt.ItemDataRole.UserRole, spec)
        item.setToolTip(NAME, "\n".join(part for part in (name, about) if part))  # the whole name, however narrow
        item.setToolTip(STATE, state)
        if IN_USE in state:
            font = item.font(NAME)
            font.setBold(True)
            for column in (NAME, SIZE, STATE):
                item.setFont(column, font)
        self.list.addTopLevelItem(item)

    def _fit_names(self) -> None:
        """Open wide enough for every name, size and state on one line, but never wider than the screen."""
        option = QStyleOptionViewItem()
        self.list.initViewItemOption(option)
        delegate, header = self.list.itemDelegate(), self.list.header()
        columns = sum(
            max(
                [header.sectionSizeHint(c)]
                + [delegate.sizeHint(option, self.list.indexFromItem(item, c)).width() for item in self._rows()]
            )
            for c in (NAME, SIZE, STATE)
        )
        chrome = self.list.frameWidth() * 2 + self.list.verticalScrollBar().sizeHint().width() + 8
        layout = self.layout()
        margins = layout.contentsMargins().left() + layout.contentsMargins().right() if layout is not None else 0
        wanted = columns + chrome + margins
        screen = self.screen().availableGeometry()
        self.resize(max(min(wanted, screen.width() - 40), self.sizeHint().width()), min(420, screen.height() - 40))

    def _state(self, spec: DownloadSpec) -> str:
        if (self.folder / spec.file).is_file():
            return "downloaded"
        if done := partial_size(self.folder, spec):
            return f"paused at {done / 1024**2:,.0f} MB"
        return "not downloaded" + ("" if spec.verifiable else " (no published checksum)")

    def selected(self) -> DownloadSpec | None:
        """The catalog model chosen in the list (None for the in-use row of a model outside the catalog)."""
        item = self.list.currentItem()
        return item.data(NAME, Qt.ItemDataRole.UserRole) if item is not None else None

    def in_use(self) -> ModelInUse:
        return model_in_use(self.prefs)

    def _update_buttons(self) -> None:
        spec, running = self.selected(), self.download_call.running
        there = spec is not None and (self.folder / spec.file).is_file()
        partial = spec is not None and partial_size(self.folder, spec) > 0
        self.download_button.setEnabled(spec is not None and not running and not there)
        self.download_button.setText("Resume" if partial else "Download")
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running or partial)
        self.use_button.setEnabled(there and not running)

    # -- the buttons ----------------------------------------------------------

    def download(self) -> None:
        spec = self.selected()
        if spec is None or self.download_call.running:
            return
        self.control = control = DownloadControl()
        self.status.setText(f"Downloading {spec.name}…")
        folder, probe = self.folder, self.probe

        def work(task: Task) -> DownloadResult:
            return download_model(spec, folder, control=control, on_progress=task.report, probe=probe)

        self.download_call.start(work, on_cancel=control.pause)  # cancelled (the app quits): pause, resume later
        self._update_buttons()

    def pause(self) -> None:
        if self.control is not None:
            self.control.pause()

    def cancel(self) -> None:
        if self.control is not None and self.download_call.running:
            self.control.cancel()
        elif (spec := self.selected()) is not None:
            discard_partial(self.folder, spec)
            self.bar.setValue(0)
            self.status.setText("Download cancelled.")
            self.refresh()

    def use(self) -> None:
        from cardwriter.generation.model_config import set_default_model

        spec = self.selected()
        if spec is None or not (self.folder / spec.file).is_file():
            return
        path = self.folder / spec.file
        set_default_model(path)
        self.prefs = dataclasses.replace(self.prefs, model_source=MODEL_FILE, model_path=str(path))
        self.refresh()
        self.status.setText(f"{spec.name} is in use; it loads in the background while you write.")
        if self.on_use is not None:
            self.on_use(path)

    # -- from the download, on the GUI thread ----------------------------------

    def _progress(self, progress: Progress) -> None:
        if progress.total:
            self.bar.setValue(int(1000 * progress.done / progress.total))
        self.status.setText(progress.describe(" · ") + (f"\n{progress.note}" if progress.note else ""))

    def _downloaded(self, result: DownloadResult) -> None:
        self._finished(result.state, str(result.path) + ("" if result.verified else "\n(unverified)"))

    def _download_failed(self, message: str) -> None:
        self._finished(FAILED, message)

    def _download_stopped(self) -> None:
        """Cancelled from outside (the app quits): the download was told to pause."""
        self._finished(PAUSED, "")

    def _finished(self, state: str, detail: str) -> None:
        self.control = None
        if state == DONE:
            verified = "(unverified)" not in detail
            self.bar.setValue(1000)
            self.status.setText(
                "Downloaded and verified. Press Use to write with it."
                if verified
                else "Downloaded. It could not be verified (no published checksum), but it loads. Press Use to write with it."
            )
        elif state == "paused":
            self.status.setText("Paused. Resume continues where it stopped, even after a restart.")
        elif state == "cancelled":
            self.bar.setValue(0)
            self.status.setText("Download cancelled.")
        else:
            self.status.setText(detail)
        self.refresh()
        self.download_ended.emit(state, detail)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.pause()  # a download in progress stops and can resume later
        self.download_call.wait(CLOSE_WAIT_SECONDS)
        super().closeEvent(event)
