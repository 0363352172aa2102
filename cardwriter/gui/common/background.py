"""Short background calls (a search, an embedding) whose latest result comes back to the GUI thread.

Each ``BackgroundCall`` keeps only its newest request alive: a result from
an older one is dropped, so results as you type never arrive out of order.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)


class _Task(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.number, self.work, self.relay = number, work, relay

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:  # any failure is reported on the GUI thread, never raised into Qt
            log.exception("a background call failed")
            outcome = (self.relay.failed, f"{type(exc).__name__}: {exc}")
        else:
            outcome = (self.relay.done, result)
        try:
            outcome[0].emit(self.number, outcome[1])
        except RuntimeError:  # the window closed meanwhile: nobody is waiting for this
            pass


class BackgroundCall(QObject):
    finished = Signal(object)  # the newest request's result
    failed = Signal(str)

    _pool: QThreadPool | None = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._numbers = itertools.count(1)
        self._latest = 0
        self._tasks: set[_Task] = set()
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._relay.failed.connect(self._failed)
        self._shared_pool()

    @staticmethod
    def _shared_pool() -> QThreadPool:
        """The pool every call shares, made by the first ``BackgroundCall``."""
        if BackgroundCall._pool is None:
            BackgroundCall._pool = QThreadPool()
            BackgroundCall._pool.setMaxThreadCount(1)  # one CPU-bound helper beside the model
        return BackgroundCall._pool

    def start(self, work: Callable[[], Any]) -> None:
        self._latest = next(self._numbers)
        task = _Task(self._latest, work, self._relay)
        task.setAutoDelete(False)
        self._tasks.add(task)  # Python must keep the task alive until it has run
        self._shared_pool().start(task)

    @classmethod
    def wait_for_all(cls, msecs: int = 3000) -> None:
        """Let running calls finish (before the app quits)."""
        if cls._pool is not None:
            cls._pool.waitForDone(msecs)

    def cancel(self) -> None:
        """Forget the request in flight: its result will be dropped."""
        self._latest = next(self._numbers)

    def _done(self, number: int, result: Any) -> None:
        self._forget(number)
        if number == self._latest:
            self.finished.emit(result)

    def _failed(self, number: int, message: str) -> None:
        self._forget(number)
        if number == self._latest:
            self.failed.emit(message)

    def _forget(self, number: int) -> None:
        self._tasks = {t for t in self._tasks if t.number != number}
