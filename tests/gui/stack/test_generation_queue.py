from __future__ import annotations

import threading

from cardwriter import logs
from cardwriter.errors import UserError
from cardwriter.gui.stack.generation_queue import GenerationQueue


def slow_job(result, steps=50):
    def run(generator, cancel, on_progress):
        for i in range(steps):
            if cancel.is_set():
                return None
            on_progress(i, steps)
            threading.Event().wait(0.01)
        return result

    return run


def test_jobs_report_progress_and_finish_off_the_gui_thread(qtbot):
    queue = GenerationQueue(lambda: "generator")
    queue.start()
    gui_thread = threading.get_ident()
    seen = {}
    progress = []
    queue.progress.connect(lambda key, done, total: progress.append((key, done, total)))

    def run(generator, cancel, on_progress):
        seen["thread"] = threading.get_ident()
        seen["generator"] = generator
        for done in (0, 0, 1, 1, 2):  # repeats are not passed on
            on_progress(done, 2)
        return ["done"]

    with qtbot.waitSignal(queue.finished, timeout=5000) as finished:
        queue.submit("card", run, token="snapshot")
    assert finished.args == ["card", ["done"], "snapshot"]
    assert progress == [("card", 0, 2), ("card", 1, 2), ("card", 2, 2)]
    assert seen == {"thread": seen["thread"], "generator": "generator"} and seen["thread"] != gui_thread
    queue.shutdown()


def test_a_newer_request_for_the_same_card_cancels_the_older(qtbot):
    queue = GenerationQueue(lambda: "generator")
    queue.start()
    results = []
    queue.finished.connect(lambda key, result, token: results.append(result))
    cancelled = []
    queue.cancelled.connect(cancelled.append)
    old = None
    with qtbot.waitSignal(queue.started, timeout=5000):
        old = queue.submit("card", slow_job("old"))
    with qtbot.waitSignal(queue.finished, timeout=5000):
        queue.submit("card", slow_job("new", steps=3))
    assert old.cancel.is_set(), "the running job was told to stop"
    assert results == ["new"] and cancelled == ["card"], "the old job ended as cancelled, never as a result"
    queue.shutdown()


def test_errors_travel_on_their_own_signal(qtbot):
    queue = GenerationQueue(lambda: "generator")
    queue.start()

    def broken(generator, cancel, on_progress):
        raise UserError("the server at http://127.0.0.1:9 is not answering")

    with qtbot.waitSignal(queue.failed, timeout=5000) as failed:
        queue.submit("card", broken)
    assert failed.args == ["card", "the server at http://127.0.0.1:9 is not answering"]
    queue.shutdown()


def test_a_model_that_fails_to_load_is_reported_and_jobs_say_why(qtbot):
    def load():
        raise UserError("model.gguf is not a GGUF file")

    states = []
    queue = GenerationQueue(load)
    queue.model_state.connect(lambda state, detail: states.append((state, detail)))
    with qtbot.waitSignal(queue.failed, timeout=5000) as failed:
        queue.start()
        queue.submit("card", slow_job("never"))
    assert "not a GGUF file" in failed.args[1]
    assert states == [("loading", ""), ("failed", "model.gguf is not a GGUF file")]
    queue.shutdown()


def test_cancel_all_stops_the_running_job(qtbot):
    queue = GenerationQueue(lambda: "generator")
    queue.start()
    results, cancelled = [], []
    queue.finished.connect(lambda key, result, token: results.append(key))
    queue.cancelled.connect(cancelled.append)
    with qtbot.waitSignal(queue.started, timeout=5000):
        running = queue.submit("a", slow_job("a", steps=500))  # 5 seconds unless stopped
    waiting = queue.submit("b", slow_job("b"))
    assert queue.pending() == 2
    with qtbot.waitSignal(queue.queue_changed, timeout=2000, check_params_cb=lambda n: n == 0):
        queue.cancel_all()
    assert running.cancel.is_set() and waiting.cancel.is_set()
    assert sorted(cancelled) == ["a", "b"] and results == [], "both ended as cancelled, neither finished"
    queue.shutdown()


def test_a_worker_failure_keeps_its_traceback_in_the_log(qtbot, tmp_path):
    log_file = logs.setup_logging(tmp_path)
    queue = GenerationQueue(lambda: "generator")
    queue.start()

    def breaks_inside_the_engine(generator, cancel, on_progress):
        return {}["a key the engine forgot"]

    try:
        with qtbot.waitSignal(queue.failed, timeout=5000) as failed:
            queue.submit("card", breaks_inside_the_engine)
    finally:
        queue.shutdown()
        logs.stop_logging()
    assert failed.args[1] == "generation failed: KeyError: 'a key the engine forgot'"  # all the status bar shows
    text = log_file.read_text()
    assert "Traceback (most recent call last)" in text and "in breaks_inside_the_engine" in text
    assert "job for card failed" in text


def test_ready_says_which_backend_the_model_runs_on(qtbot):
    class Loaded:
        model_name, backend = "SmolLM2", "CPU"

    queue = GenerationQueue(Loaded)
    with qtbot.waitSignal(
        queue.model_state, timeout=5000, check_params_cb=lambda state, detail: state == "ready"
    ) as ready:
        queue.start()
    assert ready.args == ["ready", "SmolLM2 (CPU)"]
    queue.shutdown()


def test_the_warm_up_runs_after_the_model_loads_and_before_the_first_job(qtbot):
    order = []
    queue = GenerationQueue(lambda: order.append("load") or "generator", warm_up=lambda: order.append("warm up"))
    queue.start()

    def run(generator, cancel, on_progress):
        order.append("job")
        return ["done"]

    with qtbot.waitSignal(queue.finished, timeout=5000):
        queue.submit("card", run)
    assert order == ["load", "warm up", "job"]
    queue.shutdown()


def test_a_failing_warm_up_still_lets_jobs_run(qtbot):
    def broken() -> None:
        raise RuntimeError("no embedder")

    queue = GenerationQueue(lambda: "generator", warm_up=broken)
    queue.start()
    with qtbot.waitSignal(queue.finished, timeout=5000) as finished:
        queue.submit("card", lambda generator, cancel, on_progress: ["done"])
    assert finished.args[1] == ["done"]
    queue.shutdown()
