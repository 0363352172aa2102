"""Generation off the GUI thread: one worker, a queue of jobs keyed by card.

The worker thread first loads the model (the app is usable meanwhile and
if loading fails), then runs jobs one at a time. A newer job for the same
card replaces a queued one and cancels a running one.

The order of work: the next job is the first of those that rank best. A job
for a card in ``focus`` (the card the writer is on, or has unfurled) ranks
with the writer's own requests (``Priority.REQUEST``: Ctrl+G, More variants,
refine, a note dropped), then come Fill All's (``Priority.FILL_ALL``), then
automatic fills after a pause for cards the writer has left
(``Priority.PAUSE``). A job that ranks first, submitted while such an
automatic fill of a left card runs, cancels it; it ends as ``preempted``, not
``cancelled``, so that its owner can queue it again, behind. A request is never
dropped for another card's sake.

A job reports its progress as two numbers (done, total), passed on only when
they change, so a fast model cannot flood the event loop; no streamed text leaves the worker.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Signal

from cardwriter.gui.common.background import Mailbox, Worker, error_message

log = logging.getLogger(__name__)

# A job gets the loaded generator, a cancel event and a callback for its
# progress (done, total); it returns its result. A job submitted with
# ``streams=True`` also gets a fourth argument, a callback for each finished
# item it hands over before the end (a variant that passed the filters).
JobFunction = Callable[..., Any]


class Priority(IntEnum):
    """Who asked for a job; the lower goes first (a card in focus ranks as a request)."""

    REQUEST = 0  # the writer asked for it: Ctrl+G, More variants, refine, a note dropped
    FILL_ALL = 1  # Fill All Stacks: asked for, but many at once
    PAUSE = 2  # a fill after a pause: automatic; gives way to the card the writer is on


@dataclass
class Job:
    key: str
    run: JobFunction
    token: Any = None  # what the job was made from (a snapshot), handed back with the result
    cancel: threading.Event = field(default_factory=threading.Event)
    streams: bool = False
    priority: Priority = Priority.REQUEST
    preempted: bool = False  # cancelled for a job that ranks first: its owner may queue it again


class GenerationQueue(QObject):
    model_state = Signal(str, str)  # "loading" | "ready" | "failed", detail
    started = Signal(str)  # key
    progress = Signal(str, int, int)  # key, done, total
    finished = Signal(str, object, object)  # key, result, token
    arrived = Signal(str, object, object)  # key, one item handed over before the end, token
    failed = Signal(str, str)  # key, message
    cancelled = Signal(str)  # key
    preempted = Signal(str)  # key: an automatic fill of a left card stopped for one that ranks first
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
        self._focus: frozenset[str] = frozenset()  # the cards the writer is on or has unfurled
        self._lock = threading.Condition()
        self._stopping = False
        self._mailbox = Mailbox(self, self._deliver)
        self._worker = Worker(self._work, name="cardwriter-generation", stop=self._stop)

    def start(self) -> None:
        """Start loading the model and serving jobs; connect the signals first."""
        self._worker.start()

    # -- called from the GUI thread -----------------------------------------

    def submit(
        self, key: str, run: JobFunction, token: Any = None, streams: bool = False, priority: int = Priority.REQUEST
    ) -> Job:
        job = Job(key, run, token, streams=streams, priority=Priority(priority))
        with self._lock:
            dropped = self._drop(key)
            self._jobs.append(job)
            running = self._running
            if (
                running is not None
                and not running.cancel.is_set()
                and self._rank(job) < self._rank(running) == Priority.PAUSE
            ):
                running.preempted = True  # an automatic fill of a left card gives way
                running.cancel.set()
            self._lock.notify_all()
        self._said_cancelled(dropped)  # after the new job is in line: its card is still busy
        self.queue_changed.emit(self.pending())
        return job

    def set_focus(self, keys: Iterable[str]) -> None:
        """The cards the writer is on or has unfurled: their jobs go first from now on (none is stopped)."""
        with self._lock:
            self._focus = frozenset(keys)

    def cancel(self, key: str) -> None:
        with self._lock:
            dropped = self._drop(key)
        self._said_cancelled(dropped)
        self.queue_changed.emit(self.pending())

    def cancel_all(self) -> None:
        with self._lock:
            dropped = list(self._jobs)
            for job in dropped:
                job.cancel.set()
            self._jobs.clear()
            if self._running is not None:
                self._running.preempted = False  # the writer stopped it: it is not queued again
                self._running.cancel.set()
        self._said_cancelled(dropped)
        self.queue_changed.emit(self.pending())

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs) + (1 if self._running is not None else 0)

    def is_queued(self, key: str) -> bool:
        """Whether a job for ``key`` waits or runs (and was not cancelled)."""
        with self._lock:
            jobs = [*self._jobs, *([self._running] if self._running is not None else [])]
            return any(j.key == key and not j.cancel.is_set() for j in jobs)

    def order(self) -> list[str]:
        """The keys of the waiting jobs, in the order they will run."""
        with self._lock:
            return [j.key for j in sorted(self._jobs, key=self._rank)]  # sorted() keeps submission order in a rank

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
                self._running.preempted = False
                self._running.cancel.set()
            self._lock.notify_all()

    def _rank(self, job: Job) -> int:
        """Where ``job`` stands in line (lower first): a card in focus ranks as a request. Under the lock."""
        return Priority.REQUEST if job.key in self._focus else job.priority

    def _drop(self, key: str) -> list[Job]:
        """Cancel every job for ``key`` (under the lock): queued ones go (returned), a running one stops soon."""
        dropped = [job for job in self._jobs if job.key == key]
        for job in dropped:
            job.cancel.set()
        self._jobs = deque(job for job in self._jobs if job.key != key)
        if self._running is not None and self._running.key == key:
            self._running.preempted = False  # replaced or stopped: not queued again
            self._running.cancel.set()
        return dropped

    def _said_cancelled(self, jobs: list[Job]) -> None:
        for job in jobs:
            self.cancelled.emit(job.key)

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
                job = self._running = min(self._jobs, key=self._rank)  # min() takes the first of the best
                self._jobs.remove(job)
            outcome = self._run(job)
            with self._lock:
                self._running = None  # before the end is told: a card with no job left is not busy
                pending = len(self._jobs)
            if outcome is not None:
                self._send(*outcome)
            self._send("queue_changed", pending)

    def _run(self, job: Job) -> tuple | None:
        """Run ``job``; returns its last word (signal and arguments), told once it is out of the queue."""
        if job.cancel.is_set():
            return ("preempted", job.key) if job.preempted else ("cancelled", job.key)
        if self._generator is None:
            return ("failed", job.key, f"the model is not available: {self._load_error}")
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
            return ("failed", job.key, error_message(exc, "generation", logger=log, what=f"job for {job.key}"))
        if job.cancel.is_set():
            return ("preempted", job.key) if job.preempted else ("cancelled", job.key)
        return ("finished", job.key, result, job.token)
