"""Background work for the GUI: the one pattern every feature uses.

The rule
--------

1. **Results come back on the GUI thread, by queued signal.** Work runs on a
   thread of its own; whatever it hands back (a result, a progress report, an
   error message) travels through a ``Mailbox`` owned by a QObject on the GUI
   thread and is delivered there, in the order it was sent.
2. **The window may be gone.** A mailbox's receiving end is a child of its
   owner: when the owner is destroyed Qt disconnects it and drops what is
   still on its way, and the mailbox closes. Threads emit only on the
   mailbox's own sender, which outlives them, never on an object the owner's
   destruction deletes, so there is no ``RuntimeError`` to swallow.
3. **Cancel is cooperative.** Each piece of work gets a ``Task`` whose
   ``cancel`` (a ``threading.Event``) it checks between steps; work that has
   a control of its own (a download's pause) passes ``on_cancel`` to be told.
   The result of cancelled work is never delivered.
4. **Newest wins** where a newer request makes an older one pointless
   (search as you type, probing a model file): starting it cancels the older
   one, whose result is dropped even if it finishes anyway.
5. **Errors arrive as a message.** ``error_message`` is the one place that
   turns an exception into text: a ``UserError`` is the user's own message
   (logged as a warning); anything else is logged with its traceback through
   the project's logging and shown as one short line, never as a traceback.
6. **Shutdown waits, with a bound.** Every thread is a ``Worker`` registered
   here; ``shutdown_all`` cancels them all and waits for them up to a
   deadline, then lets the app quit (the threads are daemons).

``BackgroundCall`` is the everyday form: one request at a time per caller
(search, related notes, a settings probe, a download). ``Worker`` and
``Mailbox`` are the parts it is built from, used directly by the long-lived
generation worker (``gui/stack/generation_queue.py``), which keeps its own
queue but follows the same rules. No other module under ``cardwriter/gui``
starts threads (a test walks the sources to keep it so).

Why not superqt's ``thread_worker``: it would be a new pinned dependency for
the part we need least (running a function on a pool); the parts we need
(newest wins, ``UserError`` versus bug, dropping deliveries to a deleted
owner, a bounded shutdown of every thread, a long-lived queue worker) we
would still write around it.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from cardwriter.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_SHUTDOWN_SECONDS = 3.0


def error_message(exc: BaseException, doing: str, *, logger: logging.Logger | None = None, what: str = "") -> str:
    """The text the writer sees for ``exc``, raised while ``doing`` something (and logged here).

    A ``UserError`` already speaks to the writer: its own text (or "<doing>
    failed" if it has none), logged as a warning. Anything else is a bug or an
    accident: logged with its traceback as "<what> failed", shown as
    "<doing> failed: <Type>: <text>".
    """
    logger = logger or log
    what = what or doing
    if isinstance(exc, UserError):
        logger.warning("%s refused: %s", what, exc)
        return str(exc) or f"{doing} failed"
    logger.error("%s failed", what, exc_info=(type(exc), exc, exc.__traceback__))
    return f"{doing} failed: {type(exc).__name__}: {exc}"


# -- delivering to the GUI thread ----------------------------------------------


class _Sender(QObject):
    """The mailbox's own end: never deleted while a thread can post through it, bound to no thread."""

    sent = Signal(tuple)


class _Receiver(QObject):
    """A child of the mailbox's owner: dies with it, and with it every message still on its way."""

    arrived = Signal(tuple)

    @Slot(tuple)
    def arrive(self, message: tuple) -> None:
        self.arrived.emit(message)


class Mailbox:
    """Sends messages from any thread to ``deliver`` on the GUI thread, while ``owner`` lives.

    Create it on the GUI thread. ``deliver(message)`` runs on the GUI thread
    with the tuple of each ``post(*message)``, later and in order. Once
    ``owner`` is destroyed nothing more is delivered, and messages already on
    their way are dropped by Qt with it. Make ``deliver`` a method of
    ``owner``: Qt then holds it without keeping the owner alive, and threads
    hold only the mailbox, never the owner.

    Threads emit on a sender of the mailbox's own, never on an object the
    owner's destruction deletes (its Python wrapper may die half-way through
    an emit); the receiving end is the owner's child, so Qt itself disconnects
    it, thread-safely, when the owner goes.
    """

    def __init__(self, owner: QObject, deliver: Callable[[tuple], None]) -> None:
        self._open = True
        self._sender = _Sender()
        # bound to no thread (Qt 6 allows it; the stubs do not): it gets no events, so any thread may free it
        self._sender.moveToThread(None)  # type: ignore[arg-type]
        receiver = _Receiver(owner)
        self._sender.sent.connect(receiver.arrive, Qt.ConnectionType.QueuedConnection)  # later, on its thread
        receiver.arrived.connect(deliver)
        receiver.destroyed.connect(self._close)

    @property
    def is_open(self) -> bool:
        """False once the owner is gone (then ``post`` delivers nothing)."""
        return self._open

    def post(self, *message: Any) -> bool:
        """Send ``message`` to the GUI thread; False when the owner is known to be gone."""
        if not self._open:
            return False
        self._sender.sent.emit(message)  # no receiver left once the owner is gone: it goes nowhere
        return True

    def _close(self, *_: object) -> None:
        self._open = False


# -- threads ----------------------------------------------------------------------

_running: set[Worker] = set()
_running_lock = threading.Lock()


class Worker:
    """One background thread, known to ``shutdown_all``.

    ``run`` is called on the new thread with no arguments; ``stop`` (called from
    any thread, must not touch Qt objects) tells it to finish soon. An exception
    escaping ``run`` is logged, never raised into Qt.
    """

    def __init__(self, run: Callable[[], None], *, name: str, stop: Callable[[], None] | None = None) -> None:
        self.name = name
        self._run, self._stop = run, stop
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def start(self) -> None:
        with _running_lock:
            _running.add(self)
        try:
            self._thread.start()
        except BaseException:
            with _running_lock:
                _running.discard(self)
            raise

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread (at most ``timeout`` seconds); True when it has ended."""
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _main(self) -> None:
        try:
            self._run()
        except Exception:  # the work's own errors are its business; this is the last net
            log.exception("background work %s failed", self.name)
        finally:
            with _running_lock:
                _running.discard(self)


def running_workers() -> list[Worker]:
    with _running_lock:
        return list(_running)


def shutdown_all(timeout: float = DEFAULT_SHUTDOWN_SECONDS) -> list[str]:
    """Cancel all background work and wait for it, ``timeout`` seconds at most in all.

    Returns the names of the threads still running at the deadline (they are
    daemons: the app can quit without them).
    """
    workers = running_workers()
    for worker in workers:
        worker.stop()
    deadline = time.monotonic() + timeout
    left = [w.name for w in workers if not w.join(max(0.0, deadline - time.monotonic()))]
    if left:
        log.warning("background work still running at shutdown: %s", ", ".join(left))
    return left


# -- a request at a time -------------------------------------------------------------

_PROGRESS, _DONE, _FAILED, _CANCELLED = "progress", "done", "failed", "cancelled"


class Task:
    """What a piece of work is handed: its cancel event and a way to report progress."""

    def __init__(self, number: int, mailbox: Mailbox, on_cancel: Callable[[], None] | None) -> None:
        self.number = number
        self.cancel = threading.Event()
        self._mailbox, self._on_cancel = mailbox, on_cancel

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def report(self, value: Any) -> None:
        """Pass ``value`` to the caller's ``progress`` signal (on the GUI thread)."""
        if not self.cancel.is_set():
            self._mailbox.post(self.number, _PROGRESS, value)

    def stop(self) -> None:
        """Ask the work to stop (any thread)."""
        if not self.cancel.is_set():
            self.cancel.set()
            if self._on_cancel is not None:
                self._on_cancel()


class BackgroundCall(QObject):
    """Runs ``work(task)`` off the GUI thread; its outcome comes back as a signal on the GUI thread.

    Requests of one call run one after another. With ``newest_wins`` (the
    default) starting a request cancels the ones before it, and only the
    newest one's progress, result or error is delivered. Without it every
    request delivers its own (a download started while none runs).
    """

    finished = Signal(object)  # the work's result
    failed = Signal(str)  # what went wrong, for the writer (see ``error_message``)
    progress = Signal(object)  # what the work passed to ``task.report``
    cancelled = Signal()  # the request was cancelled and delivers nothing else

    def __init__(self, parent: QObject | None = None, *, doing: str = "background work", newest_wins: bool = True):
        super().__init__(parent)
        self.doing, self.newest_wins = doing, newest_wins
        self._numbers = itertools.count(1)
        self._tasks: dict[int, Task] = {}  # started and not yet ended
        self._newest = 0
        self._last: Worker | None = None
        self._mailbox = Mailbox(self, self._arrive)

    @property
    def running(self) -> bool:
        """Whether a request has not ended yet (as far as the GUI thread knows)."""
        return bool(self._tasks)

    def start(self, work: Callable[[Task], Any], *, on_cancel: Callable[[], None] | None = None) -> Task:
        """Run ``work(task)`` on a background thread; ``on_cancel`` is called (any thread) when it is cancelled."""
        if self.newest_wins:
            for older in self._tasks.values():
                older.stop()
        task = Task(next(self._numbers), self._mailbox, on_cancel)
        self._tasks[task.number] = task
        self._newest = task.number
        before, mailbox, doing = self._last, self._mailbox, self.doing

        def run() -> None:
            if before is not None:
                before.join()  # one request of a call at a time
            if task.cancelled:
                mailbox.post(task.number, _CANCELLED, None)
                return
            try:
                outcome = (_DONE, work(task))
            except Exception as exc:  # every failure becomes a message on the GUI thread
                outcome = (_FAILED, error_message(exc, doing))
            mailbox.post(task.number, *((_CANCELLED, None) if task.cancelled else outcome))

        self._last = Worker(run, name=f"cardwriter-{doing.replace(' ', '-')}", stop=task.stop)
        self._last.start()
        return task

    def cancel(self) -> None:
        """Cancel every request in flight: none of them delivers anything but ``cancelled``."""
        for task in self._tasks.values():
            task.stop()

    def wait(self, timeout: float = DEFAULT_SHUTDOWN_SECONDS) -> bool:
        """Wait (at most ``timeout`` seconds) for this call's threads; True when none is left."""
        return self._last is None or self._last.join(timeout)

    def _arrive(self, message: tuple) -> None:
        number, kind, payload = message
        task = self._tasks.get(number)
        if task is None:
            return
        if kind != _PROGRESS:
            del self._tasks[number]
        if self.newest_wins and number != self._newest:
            return  # an older request: a newer one has made it pointless
        if kind == _PROGRESS:
            if not task.cancelled:
                self.progress.emit(payload)
        elif kind == _DONE:
            self.finished.emit(payload)
        elif kind == _FAILED:
            self.failed.emit(payload)
        else:
            self.cancelled.emit()
