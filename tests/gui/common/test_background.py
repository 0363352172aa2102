"""The GUI's one pattern for background work (gui/common/background.py), with real threads.

Results come back on the GUI thread, the newest request wins, errors become
messages (logged with their traceback), cancel is cooperative, a deleted
owner gets nothing and nothing raises, shutdown waits with a bound; and no
other module of the GUI starts threads of its own.
"""

from __future__ import annotations

import ast
import logging
import threading
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt

import cardwriter.gui
from cardwriter.errors import UserError
from cardwriter.gui.common import background
from cardwriter.gui.common.background import BackgroundCall, Mailbox, Worker, error_message, shutdown_all
from cardwriter.gui.stack.generation_queue import GenerationQueue

GUI = Path(cardwriter.gui.__file__).parent
HELPER = GUI / "common" / "background.py"


@pytest.fixture
def thread_errors(monkeypatch, caplog):
    """Exceptions raised on any thread (caught by threading's hook or logged by a Worker's last net)."""
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    caplog.set_level(logging.INFO)
    yield lambda: raised + [r.getMessage() for r in caplog.records if r.getMessage().startswith("background work")]


def ended(name: str) -> bool:
    return all(w.name != name for w in background.running_workers())


def test_the_result_is_delivered_on_the_gui_thread(qtbot, thread_errors):
    call = BackgroundCall(doing="searching")
    gui = threading.get_ident()
    ran_on, delivered_on = [], []
    direct = Qt.ConnectionType.DirectConnection  # the slot runs where the signal is emitted: that is checked
    call.finished.connect(lambda result: delivered_on.append((threading.get_ident(), result)), direct)

    def work(task):
        ran_on.append(threading.get_ident())
        task.report("half way")
        return "found"

    progress = []
    call.progress.connect(lambda value: progress.append((threading.get_ident(), value)), direct)
    with qtbot.waitSignal(call.finished, timeout=5000):
        call.start(work)
    assert ran_on and ran_on[0] != gui, "the work ran off the GUI thread"
    assert delivered_on == [(gui, "found")] and progress == [(gui, "half way")]
    assert not call.running and thread_errors() == []


def test_a_result_is_delivered_later_even_when_the_work_posts_from_the_gui_thread(qtbot):
    owner = QObject()
    seen = []
    mailbox = Mailbox(owner, seen.append)
    assert mailbox.post("a", 1) and mailbox.post("b", 2)
    assert seen == [], "queued: never delivered inside post"
    qtbot.waitUntil(lambda: seen == [("a", 1), ("b", 2)], timeout=2000)


def test_the_newest_request_wins(qtbot, thread_errors):
    call = BackgroundCall(doing="searching")
    release = threading.Event()
    results, failures, cancelled = [], [], []
    call.finished.connect(results.append)
    call.failed.connect(failures.append)
    call.cancelled.connect(lambda: cancelled.append(True))

    def old_work(task):
        release.wait(5)  # not cooperative: it finishes anyway, late
        return "old"

    old = call.start(old_work)
    new = call.start(lambda task: "new")
    assert old.cancelled and not new.cancelled, "starting the newer request cancelled the older"
    release.set()
    with qtbot.waitSignal(call.finished, timeout=5000):
        pass
    assert call.wait(2)
    qtbot.wait(50)  # anything still on its way arrives now
    assert results == ["new"] and failures == [] and cancelled == [], "the older request says nothing at all"
    assert thread_errors() == []


def test_without_newest_wins_every_request_delivers_in_order(qtbot):
    call = BackgroundCall(doing="downloading", newest_wins=False)
    results = []
    call.finished.connect(results.append)
    for word in ("one", "two", "three"):
        call.start(lambda task, word=word: word)
    qtbot.waitUntil(lambda: len(results) == 3, timeout=5000)
    assert results == ["one", "two", "three"]


def test_an_unexpected_error_is_logged_with_its_traceback_and_shown_as_one_line(qtbot, caplog):
    caplog.set_level(logging.INFO)
    call = BackgroundCall(doing="searching the notes")

    def broken_index(task):
        return {}["a key the index forgot"]

    with qtbot.waitSignal(call.failed, timeout=5000) as failed:
        call.start(broken_index)
    message = failed.args[0]
    assert message == "searching the notes failed: KeyError: 'a key the index forgot'"
    assert "Traceback" not in message and "\n" not in message
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged and logged[0].getMessage() == "searching the notes failed"
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is KeyError
    assert "in broken_index" in caplog.text, "the traceback is in the log"


def test_a_user_error_reaches_the_writer_in_its_own_words(qtbot, caplog):
    caplog.set_level(logging.INFO)
    call = BackgroundCall(doing="checking the model file")

    def refuse(task):
        raise UserError("model.gguf is not a GGUF file; choose another model")

    with qtbot.waitSignal(call.failed, timeout=5000) as failed:
        call.start(refuse)
    assert failed.args == ["model.gguf is not a GGUF file; choose another model"]
    assert [r.levelno for r in caplog.records if "refused" in r.getMessage()] == [logging.WARNING]
    assert all(r.exc_info is None for r in caplog.records), "no traceback for the user's own mistake"


def test_error_message_never_returns_an_empty_line():
    assert error_message(UserError(""), "probing") == "probing failed"


def test_cancel_stops_cooperative_work_and_delivers_nothing_but_cancelled(qtbot, thread_errors):
    call = BackgroundCall(doing="counting")
    running = threading.Event()
    steps, told = [], []
    results = []
    call.finished.connect(results.append)

    def count(task):
        running.set()
        while not task.cancel.is_set() and len(steps) < 1000:  # ten seconds unless cancelled
            steps.append(1)
            time.sleep(0.01)
        return len(steps)

    call.start(count, on_cancel=lambda: told.append(True))
    assert running.wait(5)
    with qtbot.waitSignal(call.cancelled, timeout=5000):
        call.cancel()
    assert call.wait(2), "the work stopped"
    assert len(steps) < 1000 and told == [True] and results == []
    assert thread_errors() == []


def test_an_owner_deleted_while_the_work_runs_gets_nothing_and_nothing_raises(qtbot, thread_errors):
    owner = QObject()
    call = BackgroundCall(owner, doing="searching for a deleted owner")
    mailbox = call._mailbox
    delivered = []
    call.finished.connect(delivered.append)
    call.failed.connect(delivered.append)
    release = threading.Event()

    def work(task):
        release.wait(5)
        task.report("late progress")
        return "late"

    call.start(work)
    shiboken6.delete(owner)  # the window closed: the owner and its call are gone
    assert not mailbox.is_open
    release.set()
    qtbot.waitUntil(lambda: ended("cardwriter-searching-for-a-deleted-owner"), timeout=5000)
    qtbot.wait(50)
    assert delivered == [] and thread_errors() == []


def test_a_result_already_on_its_way_is_dropped_with_its_owner(qtbot, thread_errors):
    owner = QObject()
    seen = []
    mailbox = Mailbox(owner, seen.append)
    posted = threading.Event()
    worker = Worker(lambda: posted.set() if mailbox.post("result") else None, name="cardwriter-test-post")
    worker.start()
    assert posted.wait(5) and worker.join(2)  # queued, not yet delivered
    shiboken6.delete(owner)
    qtbot.wait(50)
    assert seen == [] and not mailbox.post("later")
    assert thread_errors() == []


def test_owners_deleted_while_threads_keep_posting_never_raise(qtbot, thread_errors):
    owners = [QObject() for _ in range(20)]
    seen: list[tuple] = []
    mailboxes = [Mailbox(owner, seen.append) for owner in owners]
    go = threading.Event()

    def keep_posting(mailbox: Mailbox) -> None:
        go.wait(5)
        for i in range(300):
            mailbox.post(i)

    workers = [Worker(lambda m=m: keep_posting(m), name=f"cardwriter-test-poster-{i}") for i, m in enumerate(mailboxes)]
    for worker in workers:
        worker.start()
    go.set()
    for owner in owners:  # while they post
        shiboken6.delete(owner)
    assert all(w.join(5) for w in workers)
    qtbot.wait(50)
    assert not any(m.is_open for m in mailboxes) and thread_errors() == []


def test_a_generation_queue_whose_owner_is_gone_drops_its_results_quietly(qtbot, thread_errors):
    owner = QObject()
    queue = GenerationQueue(lambda: "generator", owner)
    release = threading.Event()
    worker = queue._worker
    queue.start()
    queue.submit("card", lambda generator, cancel, on_progress: release.wait(5) and ["done"])
    shiboken6.delete(owner)  # the controller (and its window) went away mid-job
    release.set()
    qtbot.wait(100)  # the job ends, its result goes nowhere
    worker.stop()  # what the app's shutdown does to it
    assert worker.join(3) and worker not in background.running_workers()
    qtbot.wait(50)
    assert thread_errors() == []


def test_shutdown_waits_for_cooperative_work(thread_errors):
    stopped = threading.Event()
    finished = []

    def work():
        stopped.wait(10)
        time.sleep(0.2)  # a little tidying after the stop
        finished.append(True)

    worker = Worker(work, name="cardwriter-test-cooperative", stop=stopped.set)
    worker.start()
    assert worker in background.running_workers()
    assert "cardwriter-test-cooperative" not in shutdown_all(5)
    assert finished == [True] and not worker.is_alive()


def test_shutdown_gives_up_on_stubborn_work_at_its_deadline(thread_errors):
    release = threading.Event()
    worker = Worker(lambda: release.wait(20), name="cardwriter-test-stubborn")  # ignores stop
    worker.start()
    began = time.monotonic()
    left = shutdown_all(0.3)
    took = time.monotonic() - began
    release.set()
    assert "cardwriter-test-stubborn" in left and 0.25 <= took < 2.0
    assert worker.join(2) and worker not in background.running_workers()


# -- the one pattern stays the only one ----------------------------------------------

THREAD_MAKERS = {"Thread", "QThread", "QThreadPool", "QRunnable", "ThreadPoolExecutor", "ProcessPoolExecutor"}
THREAD_MODULES = {"concurrent", "concurrent.futures", "_thread"}


def thread_starts(source: str) -> list[str]:
    """What ``source`` uses to make threads of its own: names of thread classes and modules."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in THREAD_MODULES or a.name.startswith("concurrent.")]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module in THREAD_MODULES or module.startswith("concurrent."):
                found.append(module)
            found += [f"{module}.{a.name}" for a in node.names if a.name in THREAD_MAKERS]
        elif isinstance(node, ast.Attribute) and node.attr in THREAD_MAKERS:
            found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize(
    "source",
    [
        "import threading\nthreading.Thread(target=print).start()",
        "from threading import Thread",
        "from PySide6.QtCore import QObject, QThread",
        "from PySide6 import QtCore\npool = QtCore.QThreadPool()",
        "import concurrent.futures",
        "from concurrent.futures import ThreadPoolExecutor",
    ],
)
def test_the_check_finds_a_thread_made_by_hand(source):
    assert thread_starts(source)


def test_threading_events_and_locks_are_fine():
    assert thread_starts("import threading\ncancel = threading.Event()\nlock = threading.Lock()") == []


def test_no_gui_module_but_the_helper_makes_threads():
    offenders = {
        str(path.relative_to(GUI)): found
        for path in sorted(GUI.rglob("*.py"))
        if path != HELPER and (found := thread_starts(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "use cardwriter.gui.common.background for background work"
    assert thread_starts(HELPER.read_text(encoding="utf-8")), "the helper itself is where threads are made"
