"""Generation off the GUI thread: one worker, a queue of jobs keyed by card.

The worker thread first loads the model (the app is usable meanwhile and
if loading fails), then runs jobs one at a time. A newer job for the same
card replaces a queued one and cancels a running one. A job reports its
progress as two numbers (done, total), passed on only when they change, so a
fast model cannot flood the event loop; no streamed text leaves the worker.
Results and errors travel on their own signals; the window decides whether a
result still fits its card.

The worker follows the GUI's one rule for background work
(``gui/common/background.py``): it is a registered ``Worker``, everything it
emits goes through a ``Mailbox`` (delivered on the GUI thread, dropped once
the queue is gone), errors become messages through ``error_message``, and
``shutdown`` (or the app's ``shutdown_all``) stops it and waits with a bound.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from cardwriter.gui.common.background import Mailbox, Worker, error_message

log = logging.getLogger(__name__)

# A job gets the loaded generator, a cancel event and a callback for its
# progress (done, total); it returns its result. A job submitted with
# ``streams=True`` also gets a fourth argument, a callback for each finished
# item it hands over before the end (a variant that passed the filters).
JobFunction = Callable[..., Any]


@dataclass
class Job:
    key: str
    run: JobFunction
    token: Any = None  # what the job was made from (a snapshot), handed back with the result
    cancel: threading.Event = field(default_factory=threading.Event)
    streams: bool = False


class GenerationQueue(QObject):
    model_state = Signal(str, str)  # "loading" | "ready" | "failed", detail
    started = Signal(str)  # key
    progress = Signal(str, int, int)  # key, done, total
    finished = Signal(str, object, object)  # key, result, token
    arrived = Signal(str, object, object)  # key, one item handed over before the end, token
    failed = Signal(str, str)  # key, message
    cancelled = Signal(str)  # key
    queue_changed = Signal(int)  # jobs queued or running

    def __init__(self, load: Callable[[], Any], parent=None, warm_up: Callable[[], object] | None = None):
        """``load`` makes the generator; ``warm_up`` (run after it, before the first job) readies the rest."""
        super().__init__(parent)
        self._load = load
        self._warm_up = warm_up
        self._generator: Any = None
        self._load_error = ""
        self._jobs: deque[Job] = deque()
        self._running: Job | None = None
        self._lock = threading.Condition()
        self._stopping = False
        self._mailbox = Mailbox(self, self._deliver)
        self._worker = Worker(self._work, name="cardwriter-generation", stop=self._stop)

    def start(self) -> None:
        """Start loading the model and serving jobs; connect the signals first."""
        self._worker.start()

    # -- called from the GUI thread -----------------------------------------

    def submit(self, key: str, run: JobFunction, token: Any = None, streams: bool = False) -> Job:
        job = Job(key, run, token, streams=streams)
        with self._lock:
            self._drop(key)
            self._jobs.append(job)
            self._lock.notify_all()
        self.queue_changed.emit(self.pending())
        return job

    def cancel(self, key: str) -> None:
        with self._lock:
            self._drop(key)
        self.queue_changed.emit(self.pending())

    def cancel_all(self) -> None:
        with self._lock:
            for job in self._jobs:
                job.cancel.set()
                self.cancelled.emit(job.key)
            self._jobs.clear()
            if self._running is not None:
                self._running.cancel.set()
        self.queue_changed.emit(self.pending())

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs) + (1 if self._running is not None else 0)

    def is_queued(self, key: str) -> bool:
        with self._lock:
            return any(j.key == key for j in self._jobs) or (self._running is not None and self._running.key == key)

    def shutdown(self, timeout: float = 5.0) -> None:
        self.cancel_all()
        self._worker.stop()
        self._worker.join(timeout)

    def _stop(self) -> None:
        """Tell the worker to end after the job it runs (which is cancelled); any thread, no signals."""
        with self._lock:
            self._stopping = True
            for job in self._jobs:
                job.cancel.set()
            if self._running is not None:
                self._running.cancel.set()
            self._lock.notify_all()

    def _drop(self, key: str) -> None:
        """Cancel every job for ``key``: queued ones go, a running one stops at its next token."""
        kept: deque[Job] = deque()
        for job in self._jobs:
            if job.key == key:
                job.cancel.set()
                self.cancelled.emit(key)
            else:
                kept.append(job)
        self._jobs = kept
        if self._running is not None and self._running.key == key:
            self._running.cancel.set()

    # -- the worker thread ---------------------------------------------------

    def _send(self, signal: str, *args: Any) -> None:
        """Emit ``signal`` with ``args`` on the GUI thread (dropped if the queue is gone meanwhile)."""
        self._mailbox.post(signal, args)

    def _deliver(self, message: tuple) -> None:
        signal, args = message
        getattr(self, signal).emit(*args)

    def _work(self) -> None:
        self._send("model_state", "loading", "")
        try:
            self._generator = self._load()
            name, backend = getattr(self._generator, "model_name", ""), getattr(self._generator, "backend", "")
            self._send("model_state", "ready", f"{name} ({backend})" if backend else name)  # CPU, GPU, server
        except Exception as exc:  # any failure to load is shown, never raised into Qt
            self._load_error = error_message(exc, "loading the model", logger=log)
            self._send("model_state", "failed", self._load_error)
        if self._warm_up is not None:
            try:
                self._warm_up()
            except Exception:  # the first job will load what failed here, and report it
                log.exception("warming up for the first job failed")
        while True:
            with self._lock:
                while not self._jobs and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    return
                job = self._running = self._jobs.popleft()
            self._run(job)
            with self._lock:
                self._running = None
                pending = len(self._jobs)
            self._send("queue_changed", pending)

    def _run(self, job: Job) -> None:
        if job.cancel.is_set():
            self._send("cancelled", job.key)
            return
        if self._generator is None:
            self._send("failed", job.key, f"the model is not available: {self._load_error}")
            return
        self._send("started", job.key)
        last_sent: list[tuple[int, int]] = []

        def on_progress(done: int, total: int) -> None:
            if last_sent[-1:] != [(done, total)]:
                last_sent[:] = [(done, total)]
                self._send("progress", job.key, done, total)

        def on_arrival(item: Any) -> None:
            if not job.cancel.is_set():  # a replaced or cancelled job hands nothing more over
                self._send("arrived", job.key, item, job.token)

        try:
            if job.streams:
                result = job.run(self._generator, job.cancel, on_progress, on_arrival)
            else:
                result = job.run(self._generator, job.cancel, on_progress)
        except Exception as exc:  # shown to the writer, never raised into Qt
            self._send("failed", job.key, error_message(exc, "generation", logger=log, what=f"job for {job.key}"))
            return
        if job.cancel.is_set():
            self._send("cancelled", job.key)
        else:
            self._send("finished", job.key, result, job.token)
