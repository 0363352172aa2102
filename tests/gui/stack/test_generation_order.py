"""The order of work (issue 27, item 10): the card the writer is on goes first; cards left behind wait.

A writer types three paragraphs in turn, pausing on each; the model is slow enough that the fills
queue up. The card the writer is on must get its first variant before the queued fills of the cards
they left, and those must still come (they wait, they are not dropped); an explicit request is never
dropped or stopped for another card's sake.
"""

from __future__ import annotations

import threading
import time

import pytest

from cardwriter.generation.fake import FakeGenerator
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.gui.stack.generation_queue import GenerationQueue, Priority
from tests.gui.conftest import fake_backend


@pytest.fixture
def slow_window(qtbot, app_settings, project_path):
    """A window whose model takes a few seconds a fill, and a pause of 0.2 s before one."""
    win = MainWindow(app_settings, fake_backend(generator := FakeGenerator(delay=0.03)), project_path)
    win.fake_generator = generator  # the test may speed it up once the order is seen
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.status.model_state() == "ready", timeout=10_000)
    win.generation.pause_timer.setInterval(200)
    yield win
    win.close()


def type_and_pause(qtbot, window, card_id: str, words: str) -> None:
    """Go to ``card_id``, add ``words`` at its end, stop typing: its fill is asked for."""
    window.view.write_in(card_id)
    editor = window.view.editor()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, words)
    qtbot.waitUntil(
        lambda: window.generation.filled_from.get(card_id) == window.session.card(card_id).text, timeout=5000
    )


def first_variants(window) -> dict[str, float]:
    """When each card first showed a variant in its stack (filled in as they come)."""
    seen: dict[str, float] = {}

    def look(*_) -> None:
        for card in window.session.cards:
            if card.stack() and card.id not in seen:
                seen[card.id] = time.monotonic()

    window.workspace.model.dataChanged.connect(look)
    window.workspace.model.rowsInserted.connect(look)
    return seen


def test_the_card_the_writer_is_on_gets_its_variants_before_the_cards_left_behind(qtbot, slow_window):
    window = slow_window
    one, two, three = (c.id for c in window.session.cards)
    seen = first_variants(window)
    started: list[str] = []
    window.generation.queue.started.connect(started.append)

    type_and_pause(qtbot, window, one, " The lamp flickered.")
    qtbot.waitUntil(lambda: started == [one], timeout=5000)  # the first fill runs
    type_and_pause(qtbot, window, two, " A gull cried once.")
    type_and_pause(qtbot, window, three, " Then the rain came.")
    paused_on_three = time.monotonic()

    qtbot.waitUntil(lambda: three in seen, timeout=30_000)
    assert set(seen) == {three}, "the card the writer is on shows variants first, before the cards left"
    # each pause on a new card stopped the fill of the card left (it waits behind, queued again)
    assert started[:3] == [one, two, three], "the fill of a card left gave way to the card the writer is on"
    wait = seen[three] - paused_on_three
    assert window.generation.is_busy(one) and window.generation.is_busy(two), "the cards left still wait in line"
    window.fake_generator.delay = 0.002
    # the cards left behind still get theirs: they waited, they were not dropped
    qtbot.waitUntil(lambda: {one, two} <= set(seen) and window.generation.queue.pending() == 0, timeout=60_000)
    assert all(window.session.card(c).stack() for c in (one, two, three))
    assert not any(window.generation.is_busy(c) for c in (one, two, three)), "no card is left looking busy"
    print(f"card three's first variant {wait:.1f} s after its fill was asked for")


def test_a_request_for_a_card_left_is_never_stopped_or_dropped(qtbot, slow_window):
    window = slow_window
    one, two, _three = (c.id for c in window.session.cards)
    cancelled: list[str] = []
    window.generation.queue.cancelled.connect(cancelled.append)
    window.generation.queue.preempted.connect(cancelled.append)
    window.view.write_in(one)
    window.generate_current()  # Ctrl+G on the first card
    qtbot.waitUntil(lambda: window.generation.queue.order() == [] and window.generation.is_busy(one), timeout=5000)
    type_and_pause(qtbot, window, two, " A gull cried once.")  # the writer moves on and pauses
    assert window.generation.queue.order() == [two], "the pause waits behind the request: nothing stops it"
    window.fake_generator.delay = 0.002
    qtbot.waitUntil(lambda: bool(window.session.card(one).stack()), timeout=30_000)
    qtbot.waitUntil(lambda: bool(window.session.card(two).stack()), timeout=30_000)
    assert cancelled == []


# -- the queue's own rule ---------------------------------------------------------------


def held_job(release: threading.Event, name: str):
    def run(generator, cancel, on_progress):
        while not release.wait(0.01):
            if cancel.is_set():
                return None
        return name

    return run


def test_the_queue_runs_requests_and_the_focused_card_first_then_fill_all_then_pauses(qtbot):
    queue = GenerationQueue(lambda: "generator")
    queue.start()
    release = threading.Event()
    with qtbot.waitSignal(queue.started, timeout=5000):
        queue.submit("busy", held_job(release, "busy"), priority=Priority.REQUEST)
    queue.submit("left", held_job(release, "left"), priority=Priority.PAUSE)
    queue.submit("all", held_job(release, "all"), priority=Priority.FILL_ALL)
    queue.submit("asked", held_job(release, "asked"), priority=Priority.REQUEST)
    queue.submit("here", held_job(release, "here"), priority=Priority.PAUSE)
    assert queue.order() == ["asked", "all", "left", "here"]
    queue.set_focus({"here"})  # the writer moved onto "here"
    assert queue.order() == ["asked", "here", "all", "left"]
    release.set()
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=5000)
    queue.shutdown()


def test_a_running_pause_fill_of_a_card_left_gives_way_and_says_so(qtbot):
    queue = GenerationQueue(lambda: "generator")
    queue.start()
    release = threading.Event()
    ended: list[tuple[str, str]] = []
    queue.preempted.connect(lambda key: ended.append(("preempted", key)))
    queue.cancelled.connect(lambda key: ended.append(("cancelled", key)))
    queue.finished.connect(lambda key, result, token: ended.append(("finished", key)))
    with qtbot.waitSignal(queue.started, timeout=5000):
        queue.submit("left", held_job(release, "left"), priority=Priority.PAUSE)
    queue.set_focus({"here"})
    with qtbot.waitSignal(queue.started, timeout=5000, check_params_cb=lambda key: key == "here"):
        queue.submit("here", held_job(release, "here"), priority=Priority.PAUSE)
    assert not queue.is_queued("left"), "the fill it stopped is not in line any more (its owner queues it again)"
    release.set()
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=5000)
    assert ended == [("preempted", "left"), ("finished", "here")]
    queue.shutdown()


@pytest.mark.parametrize("running", [Priority.REQUEST, Priority.FILL_ALL])
def test_a_running_request_or_fill_all_is_never_stopped_for_another_card(qtbot, running):
    queue = GenerationQueue(lambda: "generator")
    queue.start()
    release = threading.Event()
    with qtbot.waitSignal(queue.started, timeout=5000):
        job = queue.submit("asked", held_job(release, "asked"), priority=running)
    queue.set_focus({"here"})
    queue.submit("here", held_job(release, "here"), priority=Priority.REQUEST)
    assert not job.cancel.is_set() and queue.order() == ["here"]
    release.set()
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=5000)
    queue.shutdown()


def test_a_late_cancel_of_a_replaced_job_leaves_the_new_one_busy(qtbot):
    queue = GenerationQueue(lambda: "generator")
    queue.start()
    release = threading.Event()
    busy_when_cancelled: list[bool] = []
    queue.cancelled.connect(lambda key: busy_when_cancelled.append(queue.is_queued(key)))
    with qtbot.waitSignal(queue.started, timeout=5000):
        queue.submit("card", held_job(release, "old"), priority=Priority.PAUSE)
    with qtbot.waitSignal(queue.cancelled, timeout=5000):
        queue.submit("card", held_job(release, "new"))
    assert busy_when_cancelled == [True], "the old job's end comes while the new one is in line"
    release.set()
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=5000)
    queue.shutdown()
