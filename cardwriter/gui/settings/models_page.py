"""Settings ▸ Models: the catalog and the downloaded files, with Download, Pause, Resume, Cancel and Use.

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

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
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
from cardwriter.gui.common.background import BackgroundCall, Task

FAILED = "failed"
CLOSE_WAIT_SECONDS = 5.0


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
    ):
        super().__init__(parent)
        from cardwriter.generation.model_files import user_models_dir

        self.setWindowTitle("Models")
        self.catalog = load_catalog() if catalog is None else catalog
        self.folder = folder or user_models_dir()
        self.on_use, self.probe = on_use, probe
        self.control: DownloadControl | None = None
        self.download_call = BackgroundCall(self, doing="downloading the model", newest_wins=False)
        self.download_call.progress.connect(self._progress)
        self.download_call.finished.connect(self._downloaded)
        self.download_call.failed.connect(self._download_failed)
        self.download_call.cancelled.connect(self._download_stopped)

        self.list = QListWidget()
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
        self.list.currentRowChanged.connect(lambda row: self._update_buttons())
        buttons = QHBoxLayout()
        for b in (self.download_button, self.pause_button, self.cancel_button, self.use_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.refresh()

    # -- the list -------------------------------------------------------------

    def refresh(self) -> None:
        row = max(self.list.currentRow(), 0)
        self.list.clear()
        for spec in self.catalog:
            item = QListWidgetItem(f"{spec.name} — {spec.approx_size or 'size unknown'} — {self._state(spec)}")
            item.setData(Qt.ItemDataRole.UserRole, spec)
            self.list.addItem(item)
        self.list.setCurrentRow(min(row, self.list.count() - 1))
        self._update_buttons()

    def _state(self, spec: DownloadSpec) -> str:
        if (self.folder / spec.file).is_file():
            return "downloaded"
        if done := partial_size(self.folder, spec):
            return f"paused at {done / 1024**2:,.0f} MB"
        return "not downloaded" + ("" if spec.verifiable else " (no published checksum)")

    def selected(self) -> DownloadSpec | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

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
