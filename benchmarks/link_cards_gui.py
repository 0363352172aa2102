"""Link cards on a big draft: how fast it opens, how long until its links show, how typing feels meanwhile.

    QT_QPA_PLATFORM=offscreen python benchmarks/link_cards_gui.py [--paragraphs 5000] [--seconds 20]
        [--embedder fake|minilm] [--json]

Builds a project of ``--paragraphs`` paragraphs (each three sentences drawn at random from
``dev_paragraphs.jsonl``, so some pairs share two sentences and echo) and the 52 notes of
``link_notes.jsonl``, then, in the window:

1. opens it with link cards off and on, each twice after a 50-paragraph project warmed
   everything up, the quicker counted (seconds to the first paint; the links feature must
   cost the opening nothing: it only starts a timer);
2. types into a card in bursts (2 s of a key every 40 ms, then a 1.5 s pause, in which the
   links are worked out again) for ``--seconds`` while the first links are worked out, and
   times how long they take to reach the cards (every card and note embedded, the echoes
   paired: with ``--embedder minilm`` on a fresh project, the real first opening), after
   the same typing with link cards off (the baseline);
3. types in bursts again, with a stack unfurled, for ``--seconds``.

While typing a 5 ms timer watches the event loop: a stall is how much later than due it
fired. Every GUI-thread step of the links feature is timed too (``refresh``; ``_step``: a
chunk of gathering or of the cache; ``_arrived``: setting the links on the model).

Goals: the draft opens in under 2 s; no stall and no step of the links feature over 50 ms.
The fake embedder (default) embeds in no time, so it measures the GUI thread's share; the
real one (``--embedder minilm``) adds the worker's competition for the CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from cardwriter.domain.model import Note
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.gui.common.app_settings import AppSettings
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.links.link_actions import LinkActions
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project

DATA = Path(__file__).resolve().parent / "data"
TICK_MS, KEY_MS = 5, 40
BURST_S, PAUSE_S = 2.0, 1.5


def paragraphs(count: int) -> list[str]:
    rows = [json.loads(line)["text"] for line in (DATA / "dev_paragraphs.jsonl").read_text().splitlines() if line]
    sentences = [s for row in rows for s in re.split(r"(?<=[.!?])\s+", row) if len(s.split()) > 3]
    return [" ".join(random.Random(n).sample(sentences, 3)) for n in range(count)]


def notes() -> list[Note]:
    rows = [json.loads(line) for line in (DATA / "link_notes.jsonl").read_text().splitlines() if line]
    return [Note(r["text"], source=r.get("from", "")) for r in rows if r.get("kind") == "note"]


def make_project(folder: Path, count: int) -> Path:
    path = folder / f"big{count}.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Big", "\n\n".join(paragraphs(count)) + "\n"))
        project.add_notes(notes())
    return path


def backend(embedder_name: str):
    from cardwriter.app import build_backend

    built = build_backend()
    if embedder_name == "fake":
        from cardwriter.services.note_finder import NoteFinder

        built.notes = NoteFinder(FakeEmbedder(dim=384))
    return built


def settings(folder: Path, links: bool) -> AppSettings:
    s = AppSettings(QSettings(str(folder / f"settings-{links}.ini"), QSettings.Format.IniFormat))
    prefs = s.preferences()
    prefs.background_fill, prefs.link_cards = False, links
    s.save_preferences(prefs)
    return s


def wait(app: QApplication, condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True


def open_window(app: QApplication, folder: Path, path: Path, links: bool, embedder: str) -> tuple[MainWindow, float]:
    started = time.perf_counter()
    window = MainWindow(settings(folder, links), backend(embedder), path)
    window.resize(1100, 760)
    window.show()
    app.processEvents()
    window.view.viewport().repaint()
    return window, time.perf_counter() - started


def time_steps(actions: LinkActions) -> dict[str, list[float]]:
    """Wrap the links feature's GUI-thread work so each call's ms is recorded, by what it was."""
    spent: dict[str, list[float]] = {"_step": [], "_arrived": [], "refresh": []}
    for name in spent:
        original = getattr(actions, name)

        def timed(*args, original=original, name=name):
            started = time.perf_counter()
            original(*args)
            spent[name].append((time.perf_counter() - started) * 1000)

        setattr(actions, name, timed)
    actions.timer.timeout.disconnect()
    actions.timer.timeout.connect(actions.refresh)
    actions._stepper.timeout.disconnect()
    actions._stepper.timeout.connect(actions._step)
    actions.call.finished.disconnect()
    actions.call.finished.connect(actions._arrived)
    return spent


def write_in_middle(app: QApplication, window: MainWindow) -> None:
    """Open the editor of the middle card, the cursor at its end."""
    card_id = window.session.cards[len(window.session.cards) // 2].id
    wait(app, lambda: False, 2)  # the column is laid out in batches of 200 rows
    view = window.view
    if view.editor() is None and view.state() == QAbstractItemView.State.EditingState:
        # An editor whose row moved out of sight (a batch of the layout, a stack unfurled above) closed and left
        # the view in its editing state, where it opens no other: a quirk of the view this works around.
        view.setState(QAbstractItemView.State.NoState)
    for _ in range(20):
        view.go_to_card(card_id, -1)
        app.processEvents()
        if window.view.editing_id() == card_id:
            return
        time.sleep(0.05)
    raise SystemExit("the middle card's editor did not open")


def type_in_bursts(window: MainWindow, seconds: float, bursts: bool = True) -> list[float]:
    """Type into the card being edited for ``seconds`` (in bursts with pauses, or without a pause when
    ``bursts`` is False) and return every event-loop delay in ms."""
    delays: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        delays.append(max(0.0, now - last[0] - TICK_MS))
        last[0] = now

    def type_key() -> None:
        if bursts and (clock.elapsed() / 1000) % (BURST_S + PAUSE_S) > BURST_S:
            return  # a pause: the links are worked out again
        editor = next((e for e in window.view.findChildren(CardEditor) if e.isVisible()), None)
        if editor is not None:
            QTest.keyClick(editor, Qt.Key.Key_A if len(delays) % 7 else Qt.Key.Key_Space)

    ticker = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
    ticker.timeout.connect(tick)
    typer = QTimer(interval=KEY_MS)
    typer.timeout.connect(type_key)
    ticker.start()
    typer.start()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    ticker.stop()
    typer.stop()
    return delays


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values) or [0.0]
    return {
        "max_ms": round(ordered[-1], 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "median_ms": round(statistics.median(ordered), 1),
        "count": len(values),
    }


def run(app: QApplication, folder: Path, count: int, seconds: float, embedder: str) -> dict:
    window, _ = open_window(app, folder, make_project(folder, 50), True, embedder)  # warm up: fonts, models, caches
    wait(app, lambda: not window.links.call.running, 60)
    window.close()
    path = make_project(folder, count)
    opened: dict[bool, list[float]] = {False: [], True: []}
    for links in (False, True, False, True):
        window, took = open_window(app, folder, path, links, embedder)
        opened[links].append(took)
        window.close()
        app.processEvents()
    open_off, open_on = min(opened[False]), min(opened[True])
    window, _ = open_window(app, folder, path, False, embedder)
    write_in_middle(app, window)
    baseline = type_in_bursts(window, seconds)  # link cards off: what typing costs anyway
    window.close()
    window, _ = open_window(app, folder, path, True, embedder)
    spent = time_steps(window.links)
    started = time.perf_counter()
    last = window.session.cards[-1].id
    write_in_middle(app, window)
    first_stalls = type_in_bursts(window, seconds)  # while the first links are worked out
    with_links = lambda: sum(bool(window.model.index(r).data(CardRole.LINKS)) for r in range(window.model.rowCount()))  # noqa: E731
    if not wait(app, lambda: with_links() > 0 and not window.links.call.running, 900):
        raise SystemExit("no links within 900 s")
    links_ready = time.perf_counter() - started
    cards_with_links = with_links()
    window.stacks.unfurl(last)
    write_in_middle(app, window)
    stalls = type_in_bursts(window, seconds)
    window.close()
    every = [ms for values in spent.values() for ms in values]
    return {
        "paragraphs": count,
        "embedder": embedder,
        "open_links_off_s": round(open_off, 3),
        "open_links_on_s": round(open_on, 3),
        "first_links_s": round(links_ready, 2),
        "cards_with_links": cards_with_links,
        "typing_stalls_links_off": summary(baseline),
        "typing_stalls_while_first_links": summary(first_stalls),
        "typing_stalls_after": summary(stalls),
        "links_gui_steps": {name: summary(values) for name, values in spent.items()},
        "goal": "open < 2 s; stalls and steps < 50 ms",
        "goal_met": open_on < 2 and max(first_stalls + stalls) < 50 and max(every or [0]) < 50,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--embedder", choices=("fake", "minilm"), default="fake")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)  # windows are opened and closed in turn: no closing ends the run
    with tempfile.TemporaryDirectory() as tmp:
        result = run(app, Path(tmp), args.paragraphs, args.seconds, args.embedder)
    print(json.dumps(result, indent=2))
    sys.stdout.flush()
    os._exit(0)  # torch's and Qt's finalisers can trip over each other at teardown


if __name__ == "__main__":
    main()
