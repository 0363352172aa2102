"""Progress of a stack being filled, without letting any candidate's text out of the worker.

The window shows "checked 3 of 8" while a stack fills: candidates finished
(and judged) of candidates asked for; "writing…" until the first one ends, so
the peek never reads as "0 written" while the model is at work. Candidates are raw model output, and many are then
dropped by the filters (off topic, a duplicate, chatter about the task), so
their text must never reach the column. ``CountingGenerator`` stands between
the stack filler and the real generator in the worker thread: it passes every
event on to the filler and reports only two numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from cardwriter.generation.protocol import Event, GenerationRequest, SequenceDone

ProgressReport = Callable[[int, int], None]  # (candidates finished, candidates asked for)


class CountingGenerator:
    """A ``TextGenerator`` that is ``generator`` plus a count of finished candidates, reported as they end."""

    def __init__(self, generator: Any, report: ProgressReport):
        self._generator = generator
        self._report = report
        self.done = 0
        self.total = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._generator, name)  # model_name and the rest, as the real generator has them

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator[Event]:
        base = self.total
        self.total += request.n  # a top-up round asks for more: the total grows
        self._report(self.done, self.total)
        for event in self._generator.stream(request, cancel):
            if isinstance(event, SequenceDone):
                self.done += 1
                # a fresh candidate in a freed slot (continuous batching) grows the total too
                self.total = max(self.total, base + event.index + 1)
                self._report(self.done, self.total)
            yield event
